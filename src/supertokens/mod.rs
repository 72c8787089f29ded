//! Output: SuperTokens bulk-import users, and the core's own rules for them.

pub mod context;
pub mod java;
pub mod model;
pub mod normalised;
pub mod phone;
pub mod preflight;
pub mod requirements;
pub mod validate;

pub use context::{CoreContext, SkippedCheck};
pub use model::{BulkImportUser, LeftOutLoginMethod, LoginMethod, RecipeId, TotpDevice, UserMetadata, UserRole};
pub use preflight::{Preflight, PreflightWarning, PrimaryUserRule};
pub use requirements::{Problem, Requirements};
pub use validate::{
    validate_import_user, validate_request, validate_request_text, CoreCrash, ImportVerdict, RequestValidator,
    RequestVerdict, UserVerdict,
};
