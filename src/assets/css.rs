//! Rewriting a stylesheet's references (`url(…)` and `@import "…"`) so the agent's mirror asks
//! Duet for them: each is resolved against the stylesheet's own address, then handed to a
//! function that says what it becomes. Comments and other strings are copied as they are.

use url::Url;

/// `css` with every `url(…)` and `@import "…"` replaced by `rewrite(absolute URL)`, resolved
/// against `base`; a reference that does not resolve, or that `rewrite` refuses (`None`),
/// becomes `url("")`, which loads nothing.
pub fn rewrite_references(
    css: &str,
    base: &Url,
    rewrite: impl Fn(&Url) -> Option<String>,
) -> String {
    let bytes = css.as_bytes();
    let mut out = String::with_capacity(css.len() + css.len() / 8);
    let mut copied = 0;
    let mut at = 0;
    let replace = |reference: &str| -> String {
        let target = base.join(reference.trim()).ok();
        let rewritten = target
            .as_ref()
            .and_then(|url| keep_local(url).or_else(|| rewrite(url)));
        format!("url({})", quoted(rewritten.as_deref().unwrap_or("")))
    };
    while at < bytes.len() {
        match bytes[at] {
            b'/' if bytes.get(at + 1) == Some(&b'*') => {
                at = css[at + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |end| at + 2 + end + 2);
            }
            quote @ (b'"' | b'\'') => at = string_end(bytes, at, quote),
            b'u' | b'U'
                if starts_with_ignoring_case(&css[at..], "url(")
                    && !is_name_byte(before(bytes, at)) =>
            {
                let Some((reference, end)) = url_token(css, at + 4) else {
                    at += 4;
                    continue;
                };
                out.push_str(&css[copied..at]);
                out.push_str(&replace(&reference));
                copied = end;
                at = end;
            }
            b'@' if starts_with_ignoring_case(&css[at..], "@import") => {
                let start = skip_space(bytes, at + 7);
                if let Some(&quote @ (b'"' | b'\'')) = bytes.get(start) {
                    let end = string_end(bytes, start, quote);
                    let inner = css.get(start + 1..end.saturating_sub(1)).unwrap_or("");
                    out.push_str(&css[copied..start]);
                    out.push_str(&replace(&unescape(inner)));
                    copied = end;
                    at = end;
                } else {
                    at = start;
                }
            }
            _ => at += 1,
        }
    }
    out.push_str(&css[copied..]);
    out
}

/// Every reference in `css` (`url(…)`, `@import "…"`), resolved against `base`, in order.
pub fn references(css: &str, base: &Url) -> Vec<Url> {
    let found = std::sync::Mutex::new(Vec::new());
    rewrite_references(css, base, |url| {
        if let Ok(mut found) = found.lock() {
            found.push(url.clone());
        }
        None
    });
    found.into_inner().unwrap_or_default()
}

/// `data:` references stay as they are: they load nothing from anywhere.
fn keep_local(url: &Url) -> Option<String> {
    (url.scheme() == "data").then(|| url.as_str().to_owned())
}

/// The reference inside `url(` starting at `from`, and where the token ends (after `)`).
fn url_token(css: &str, from: usize) -> Option<(String, usize)> {
    let bytes = css.as_bytes();
    let start = skip_space(bytes, from);
    match bytes.get(start)? {
        &quote @ (b'"' | b'\'') => {
            let end = string_end(bytes, start, quote);
            let inner = css.get(start + 1..end.saturating_sub(1))?;
            let close = skip_space(bytes, end);
            (bytes.get(close) == Some(&b')')).then(|| (unescape(inner), close + 1))
        }
        _ => {
            let mut close = start;
            while *bytes.get(close)? != b')' {
                close += if bytes[close] == b'\\' { 2 } else { 1 };
            }
            Some((unescape(css.get(start..close)?.trim_end()), close + 1))
        }
    }
}

/// Where the string opened by `quote` at `start` ends (after its closing quote, or at the end).
fn string_end(bytes: &[u8], start: usize, quote: u8) -> usize {
    let mut at = start + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b if b == quote => return at + 1,
            b'\n' => return at,
            _ => at += 1,
        }
    }
    bytes.len()
}

/// CSS escapes in a reference: `\` followed by up to six hex digits, or by any other character.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let mut hex = String::new();
        while hex.len() < 6 && chars.peek().is_some_and(char::is_ascii_hexdigit) {
            hex.extend(chars.next());
        }
        if hex.is_empty() {
            out.extend(chars.next().filter(|&c| c != '\n'));
        } else {
            out.extend(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32));
            if chars.peek().is_some_and(|c| c.is_ascii_whitespace()) {
                chars.next();
            }
        }
    }
    out
}

/// `text` as a double-quoted CSS string.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push_str("\\a "),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    at
}

fn before(bytes: &[u8], at: usize) -> u8 {
    at.checked_sub(1).map_or(b' ', |i| bytes[i])
}

fn is_name_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_' || byte >= 0x80
}

fn starts_with_ignoring_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://shop.example/styles/site.css").unwrap()
    }

    fn through_duet(css: &str) -> String {
        rewrite_references(css, &base(), |url| Some(format!("/a?u={}", url.as_str())))
    }

    #[test]
    fn references_of_every_form_are_resolved_against_the_stylesheet_and_rewritten() {
        let css = r#"a{background:url(img/a.png)} b{background:URL( "/b.png" )} @import 'print.css'; @font-face{src:url('https://cdn.example/f.woff2') format("woff2")}"#;
        assert_eq!(
            through_duet(css),
            r#"a{background:url("/a?u=https://shop.example/styles/img/a.png")} b{background:url("/a?u=https://shop.example/b.png")} @import url("/a?u=https://shop.example/styles/print.css"); @font-face{src:url("/a?u=https://cdn.example/f.woff2") format("woff2")}"#
        );
    }

    #[test]
    fn comments_strings_and_names_ending_in_url_are_left_alone() {
        let css = r#"/* url(x.png) */ a::after{content:"url(y.png)"} b{--myurl(z): 1}"#;
        assert_eq!(through_duet(css), css);
    }

    #[test]
    fn a_refused_or_unresolvable_reference_loads_nothing_and_data_urls_stay() {
        let css = "a{background:url(https://evil.example/x)} b{background:url(data:image/png;base64,AAAA)}";
        let out = rewrite_references(css, &base(), |_| None);
        assert_eq!(
            out,
            r#"a{background:url("")} b{background:url("data:image/png;base64,AAAA")}"#
        );
    }

    #[test]
    fn escapes_are_read_and_quotes_in_the_result_are_escaped() {
        let css = r"a{background:url(we\ird\).png)}";
        let out = rewrite_references(css, &base(), |url| Some(format!("{}\"", url.as_str())));
        assert_eq!(
            out,
            r#"a{background:url("https://shop.example/styles/weird).png\"")}"#
        );
    }

    #[test]
    fn references_lists_each_resolved_address_in_order() {
        let found = references("@import url(a.css); x{background:url(../b.png)}", &base());
        let found: Vec<&str> = found.iter().map(Url::as_str).collect();
        assert_eq!(
            found,
            [
                "https://shop.example/styles/a.css",
                "https://shop.example/b.png"
            ]
        );
    }

    #[test]
    fn unterminated_input_ends_without_a_panic() {
        for css in [
            "url(",
            "url(\"abc",
            "@import \"x",
            "/* open",
            "a{b:'",
            "url(  ",
            "\\",
        ] {
            let _ = through_duet(css);
        }
    }
}
