//! What the core would say about each converted user: the validator, per batch, and the
//! preflight across the whole import.

use super::writer::Writer;
use crate::options::Options;
use crate::report::{Diagnostic, DiagnosticCode as Code, Severity};
use crate::supertokens::{CoreContext, Preflight, RequestValidator};
use std::rc::Rc;

/// What the core would say about each converted user: the validator in the context the
/// options declare, one request per batch, and the preflight across the whole import.
pub(super) struct CoreChecks {
    pub(super) ctx: Rc<CoreContext>,
    pub(super) validator: RequestValidator<Rc<CoreContext>>,
    pub(super) preflight: Preflight,
    pub(super) skipped: std::collections::BTreeSet<crate::supertokens::SkippedCheck>,
}

impl CoreChecks {
    pub(super) fn new(options: &Options) -> Self {
        let ctx = Rc::new(CoreContext {
            features: Some(options.features.names().into_iter().map(String::from).collect()),
            now_ms: Some(options.now_ms()),
            ..CoreContext::default()
        });
        CoreChecks {
            validator: RequestValidator::new(ctx.clone()),
            ctx,
            preflight: Preflight::new(),
            skipped: Default::default(),
        }
    }

    /// A new request starts with every batch: `externalUserId` uniqueness is per request.
    pub(super) fn next_batch(&mut self) {
        self.skipped.extend(self.validator.skipped_checks());
        self.validator = RequestValidator::new(self.ctx.clone());
    }

    /// Says once, at the end, which core rules could not be checked for lack of context.
    pub(super) fn report_skipped(&mut self, w: &mut Writer) {
        self.skipped.extend(self.validator.skipped_checks());
        if self.skipped.is_empty() {
            return;
        }
        let names: Vec<String> = self
            .skipped
            .iter()
            .filter_map(|c| serde_json::to_value(c).ok())
            .filter_map(|v| v.as_str().map(String::from))
            .collect();
        w.diagnostic(Diagnostic::new(
            Code::CoreRejected,
            Severity::Info,
            format!("not checked, because the core's context is unknown: {}", names.join(", ")),
        ));
    }
}
