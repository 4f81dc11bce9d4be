//! The Prometheus text exposition format (version 0.0.4): `# HELP` and `# TYPE` per family,
//! then one line per sample.

use std::fmt::Write;

use super::histogram::Histogram;

/// The `Content-Type` of the text format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// A page of metrics being written.
#[derive(Debug, Default)]
pub(super) struct Text {
    out: String,
}

impl Text {
    /// Starts the family `name` of `kind` (`counter`, `gauge`, `histogram`).
    pub(super) fn family(&mut self, name: &str, kind: &str, help: &str) {
        let _ = writeln!(self.out, "# HELP {name} {help}");
        let _ = writeln!(self.out, "# TYPE {name} {kind}");
    }

    /// One sample of `name` with `labels`.
    pub(super) fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: impl Value) {
        self.out.push_str(name);
        if !labels.is_empty() {
            self.out.push('{');
            for (index, (label, text)) in labels.iter().enumerate() {
                if index > 0 {
                    self.out.push(',');
                }
                let _ = write!(self.out, "{label}=\"{}\"", escape(text));
            }
            self.out.push('}');
        }
        self.out.push(' ');
        value.write_to(&mut self.out);
        self.out.push('\n');
    }

    /// A whole histogram family: cumulative buckets, `+Inf`, sum and count.
    pub(super) fn histogram<const N: usize>(
        &mut self,
        name: &str,
        help: &str,
        histogram: &Histogram<N>,
    ) {
        self.family(name, "histogram", help);
        let (buckets, count, sum) = histogram.read();
        let bucket = format!("{name}_bucket");
        for (bound, cumulative) in buckets {
            self.sample(&bucket, &[("le", &bound.to_string())], cumulative);
        }
        self.sample(&bucket, &[("le", "+Inf")], count);
        self.sample(&format!("{name}_sum"), &[], sum);
        self.sample(&format!("{name}_count"), &[], count);
    }

    /// The page.
    pub(super) fn finish(self) -> String {
        self.out
    }
}

/// A sample's value.
pub(super) trait Value {
    /// Writes the value as the format wants it.
    fn write_to(self, out: &mut String);
}

impl Value for u64 {
    fn write_to(self, out: &mut String) {
        let _ = write!(out, "{self}");
    }
}

impl Value for f64 {
    fn write_to(self, out: &mut String) {
        let _ = write!(out, "{self}");
    }
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sample_writes_its_labels_escaped_and_in_order() {
        let mut text = Text::default();
        text.family("duet_x_total", "counter", "What x counts.");
        text.sample("duet_x_total", &[("a", "1"), ("b", "say \"hi\"")], 7u64);
        assert_eq!(
            text.finish(),
            "# HELP duet_x_total What x counts.\n# TYPE duet_x_total counter\n\
             duet_x_total{a=\"1\",b=\"say \\\"hi\\\"\"} 7\n"
        );
    }
}
