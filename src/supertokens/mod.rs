//! Output: SuperTokens bulk-import users, and the core's own rules for them.

pub mod model;

pub use model::{BulkImportUser, LoginMethod, RecipeId, TotpDevice, UserRole};
