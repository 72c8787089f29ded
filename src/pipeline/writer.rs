//! The converter's output as it fills: batch files, the streamed report, the lazy-migration
//! file.

use super::{batch_file_name, OutputFile, LAZY_MIGRATION_FILE, REPORT_FILE};
use crate::report::{Diagnostic, Location, Stats, Summary};
use crate::supertokens::BulkImportUser;

/// Batches, the streamed report and the lazy-migration file, as they fill.
///
/// The three buffers are bytes, not `String`s, so that serde_json writes each user and
/// diagnostic straight into them (`to_writer`) instead of allocating, growing and copying a
/// `String` per item (`to_string`): about 8% of the converter's instructions in the
/// benchmarks (BENCHMARKS.md). serde_json only writes UTF-8; the bytes become the
/// `OutputFile`'s text once per piece, in [`utf8`].
pub(super) struct Writer {
    pub(super) batch_size: usize,
    pub(super) summary: Summary,
    pub(super) stats: Stats,
    pub(super) batch: Vec<u8>,
    pub(super) batch_users: usize,
    pub(super) report: Vec<u8>,
    pub(super) report_started: bool,
    pub(super) diagnostics: u64,
    pub(super) lazy: Vec<u8>,
    pub(super) lazy_started: bool,
    pub(super) out: Vec<OutputFile>,
}

/// Text out of a buffer serde_json and string literals wrote, so always UTF-8; a lossy
/// conversion stands in for a panic should that ever not hold.
fn utf8(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

impl Writer {
    pub(super) fn new(batch_size: usize) -> Self {
        Writer {
            batch_size,
            summary: Summary::default(),
            stats: Stats::default(),
            batch: Vec::new(),
            batch_users: 0,
            report: Vec::new(),
            report_started: false,
            diagnostics: 0,
            lazy: Vec::new(),
            lazy_started: false,
            out: Vec::new(),
        }
    }

    pub(super) fn diagnostic(&mut self, d: Diagnostic) {
        self.report.extend_from_slice(if self.diagnostics == 0 { b"{\"diagnostics\":[\n" } else { b",\n" });
        let len = self.report.len();
        if serde_json::to_writer(&mut self.report, &d).is_err() {
            self.report.truncate(len); // as before: a diagnostic that cannot be written is left out
        }
        self.diagnostics += 1;
    }

    pub(super) fn located(&mut self, at: Location, d: Diagnostic) {
        let d = if d.record.is_none() && d.line.is_none() { d.at(at) } else { d };
        self.diagnostic(d);
    }

    /// Writes the user into the batch; true when that filled the batch and a new one (a new
    /// request) begins. On a serialisation error the batch is left as it was.
    pub(super) fn add_to_batch(&mut self, user: &BulkImportUser<'_>) -> Result<bool, serde_json::Error> {
        let len = self.batch.len();
        self.batch.extend_from_slice(if self.batch_users == 0 { b"{\"users\":[\n" } else { b",\n" });
        if let Err(e) = serde_json::to_writer(&mut self.batch, user) {
            self.batch.truncate(len);
            return Err(e);
        }
        self.batch_users += 1;
        self.summary.converted += 1;
        let full = self.batch_users == self.batch_size;
        if full {
            self.flush_batch();
        }
        Ok(full)
    }

    pub(super) fn flush_batch(&mut self) {
        if self.batch_users == 0 {
            return;
        }
        self.batch.extend_from_slice(b"\n]}\n");
        self.summary.batches += 1;
        // The next batch will be about as large: reserve it once instead of growing it by doubling.
        let next = Vec::with_capacity(self.batch.len());
        self.out.push(OutputFile {
            name: batch_file_name(self.summary.batches),
            text: utf8(std::mem::replace(&mut self.batch, next)),
            append: false,
            secret: false,
        });
        self.batch_users = 0;
    }

    pub(super) fn take_output(&mut self) -> Vec<OutputFile> {
        if !self.report.is_empty() {
            let text = utf8(std::mem::take(&mut self.report));
            self.out.push(OutputFile { name: REPORT_FILE.into(), text, append: self.report_started, secret: false });
            self.report_started = true;
        }
        if !self.lazy.is_empty() {
            let text = utf8(std::mem::take(&mut self.lazy));
            self.out.push(OutputFile { name: LAZY_MIGRATION_FILE.into(), text, append: self.lazy_started, secret: true });
            self.lazy_started = true;
        }
        std::mem::take(&mut self.out)
    }

    pub(super) fn close(&mut self) -> Vec<OutputFile> {
        self.flush_batch();
        if self.diagnostics == 0 {
            self.report.extend_from_slice(b"{\"diagnostics\":[");
        }
        self.report.extend_from_slice(b"\n],\"summary\":");
        self.report.extend_from_slice(&serde_json::to_vec(&self.summary).unwrap_or_default());
        self.report.extend_from_slice(b",\"stats\":");
        self.report.extend_from_slice(&serde_json::to_vec(&self.stats).unwrap_or_default());
        self.report.extend_from_slice(b"}\n");
        self.take_output()
    }
}
