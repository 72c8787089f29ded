//! Output: SuperTokens bulk-import users, and the core's own rules for them.

pub mod context;
pub mod java;
pub mod model;
pub mod phone;
pub mod validate;

pub use context::{CoreContext, SkippedCheck};
pub use model::{BulkImportUser, LoginMethod, RecipeId, TotpDevice, UserRole};
pub use validate::{
    validate_import_user, validate_request, CoreCrash, ImportVerdict, RequestValidator,
    RequestVerdict, UserVerdict,
};
