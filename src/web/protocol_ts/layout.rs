//! Lays out ts-rs's one-line declarations with one union member and one field per line, so the
//! generated file reads well and a changed field is a one-line diff.

/// One piece of a ts-rs declaration.
#[derive(Debug, Clone, PartialEq)]
enum Token<'a> {
    /// A `/** … */` comment, as its lines without the stars.
    Doc(Vec<&'a str>),
    /// A string literal, quotes included.
    Str(&'a str),
    /// One of `{ } , | ; =`.
    Punct(char),
    /// Anything else up to a space or a punctuation mark: `type`, `token:`, `Array<IceServer>`.
    Word(&'a str),
}

/// A TypeScript type as ts-rs writes it.
#[derive(Debug)]
enum Type {
    /// `A | B | …`
    Union(Vec<Type>),
    /// `{ key: type, … }`
    Object(Vec<Field>),
    /// A name or a literal.
    Atom(String),
}

/// One field of an object type.
#[derive(Debug)]
struct Field {
    /// Its doc comment's lines.
    doc: Vec<String>,
    /// The key, with `?` when optional.
    key: String,
    /// Its type.
    ty: Type,
}

const PUNCTUATION: &str = "{},|;=";

/// Splits a declaration into tokens.
fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut rest = text.trim_start();
    while let Some(first) = rest.chars().next() {
        if let Some(comment) = rest.strip_prefix("/**") {
            let end = comment.find("*/").expect("ts-rs closes its doc comments");
            let lines: Vec<&str> = comment[..end]
                .lines()
                .map(|line| line.trim().trim_start_matches('*').trim())
                .collect();
            let first = lines.iter().position(|l| !l.is_empty()).unwrap_or(0);
            let last = lines
                .iter()
                .rposition(|l| !l.is_empty())
                .map_or(0, |i| i + 1);
            out.push(Token::Doc(lines[first..last.max(first)].to_vec()));
            rest = &comment[end + 2..];
        } else if first == '"' {
            let end = rest[1..]
                .find('"')
                .expect("ts-rs closes its string literals")
                + 2;
            out.push(Token::Str(&rest[..end]));
            rest = &rest[end..];
        } else if PUNCTUATION.contains(first) {
            out.push(Token::Punct(first));
            rest = &rest[1..];
        } else {
            let end = rest
                .find(|c: char| c.is_whitespace() || c == '"' || PUNCTUATION.contains(c))
                .unwrap_or(rest.len());
            out.push(Token::Word(&rest[..end]));
            rest = &rest[end..];
        }
        rest = rest.trim_start();
    }
    out
}

/// Reads tokens into types.
struct Parser<'a> {
    tokens: Vec<Token<'a>>,
    at: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&Token<'a>> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Token<'a> {
        let token = self.tokens.get(self.at).cloned().unwrap_or_else(|| {
            panic!("protocol_ts/layout.rs ran out of tokens; ts-rs's output changed shape")
        });
        self.at += 1;
        token
    }

    fn expect(&mut self, wanted: Token<'a>) {
        let token = self.next();
        assert_eq!(
            token, wanted,
            "protocol_ts/layout.rs does not know this ts-rs output; teach it the new shape"
        );
    }

    /// `A | B | …`, or one member alone.
    fn ty(&mut self) -> Type {
        let mut members = vec![self.member()];
        while self.peek() == Some(&Token::Punct('|')) {
            self.at += 1;
            members.push(self.member());
        }
        if members.len() == 1 {
            members.pop().expect("one member")
        } else {
            Type::Union(members)
        }
    }

    fn member(&mut self) -> Type {
        match self.next() {
            Token::Punct('{') => self.object(),
            Token::Str(text) | Token::Word(text) => Type::Atom(text.to_owned()),
            other => panic!("protocol_ts/layout.rs expected a type, found {other:?}"),
        }
    }

    /// The fields up to the closing brace; the opening one is read.
    fn object(&mut self) -> Type {
        let mut fields = Vec::new();
        loop {
            let doc = match self.peek() {
                Some(Token::Punct('}')) => {
                    self.at += 1;
                    return Type::Object(fields);
                }
                Some(Token::Doc(lines)) => {
                    let doc = lines.iter().map(|l| (*l).to_owned()).collect();
                    self.at += 1;
                    doc
                }
                _ => Vec::new(),
            };
            let key = match self.next() {
                Token::Word(word) if word.ends_with(':') => word.trim_end_matches(':').to_owned(),
                Token::Str(text) | Token::Word(text) => {
                    self.expect(Token::Word(":"));
                    text.to_owned()
                }
                other => panic!("protocol_ts/layout.rs expected a field name, found {other:?}"),
            };
            let ty = self.ty();
            fields.push(Field { doc, key, ty });
            if self.peek() == Some(&Token::Punct(',')) {
                self.at += 1;
            }
        }
    }
}

/// A doc comment at `indent`: one line when it fits on one.
fn doc(lines: &[String], indent: &str) -> String {
    match lines {
        [] => String::new(),
        [line] => format!("{indent}/** {line} */\n"),
        lines => {
            let mut out = format!("{indent}/**\n");
            for line in lines {
                let line = format!("{indent} * {line}");
                out.push_str(line.trim_end());
                out.push('\n');
            }
            out.push_str(&format!("{indent} */\n"));
            out
        }
    }
}

/// Whether a type is written on one line: no field of it has a doc comment.
fn fits_on_a_line(ty: &Type) -> bool {
    match ty {
        Type::Atom(_) => true,
        Type::Union(members) => members.iter().all(fits_on_a_line),
        Type::Object(fields) => fields
            .iter()
            .all(|f| f.doc.is_empty() && fits_on_a_line(&f.ty)),
    }
}

/// A type whose first line continues the current one and whose other lines start at `indent`.
fn print(ty: &Type, indent: &str) -> String {
    match ty {
        Type::Atom(text) => text.clone(),
        Type::Union(members) if members.iter().all(fits_on_a_line) => members
            .iter()
            .map(|m| print(m, indent))
            .collect::<Vec<_>>()
            .join(" | "),
        Type::Union(members) => {
            let inner = format!("{indent}    ");
            members
                .iter()
                .map(|m| format!("\n{indent}  | {}", print(m, &inner)))
                .collect()
        }
        Type::Object(fields) if fits_on_a_line(ty) => {
            let fields: Vec<String> = fields
                .iter()
                .map(|f| format!("{}: {}", f.key, print(&f.ty, indent)))
                .collect();
            format!("{{ {} }}", fields.join("; "))
        }
        Type::Object(fields) => {
            let inner = format!("{indent}  ");
            let mut out = "{\n".to_owned();
            for field in fields {
                out.push_str(&doc(&field.doc, &inner));
                out.push_str(&format!(
                    "{inner}{}: {};\n",
                    field.key,
                    print(&field.ty, &inner)
                ));
            }
            out.push_str(indent);
            out.push('}');
            out
        }
    }
}

/// A type's doc comment from ts-rs, laid out like the fields' (empty when it has none).
pub(super) fn doc_comment(docs: Option<String>) -> String {
    match tokens(docs.as_deref().unwrap_or_default()).as_slice() {
        [] => String::new(),
        [Token::Doc(lines)] => doc(
            &lines.iter().map(|l| (*l).to_owned()).collect::<Vec<_>>(),
            "",
        ),
        other => panic!("protocol_ts/layout.rs expected one doc comment, found {other:?}"),
    }
}

/// `type Name = …;` from ts-rs, laid out: `export type Name = …;` with one member and one field
/// a line, each field's doc comment above it.
pub(super) fn export(decl: &str) -> String {
    let mut parser = Parser {
        tokens: tokens(decl),
        at: 0,
    };
    parser.expect(Token::Word("type"));
    let name = match parser.next() {
        Token::Word(name) => name,
        other => panic!("protocol_ts/layout.rs expected a type name, found {other:?}"),
    };
    parser.expect(Token::Punct('='));
    let ty = parser.ty();
    parser.expect(Token::Punct(';'));
    assert!(
        parser.peek().is_none(),
        "protocol_ts/layout.rs left tokens after `{name}`; ts-rs's output changed shape"
    );
    let body = print(&ty, "");
    let space = if body.starts_with('\n') { "" } else { " " };
    format!("export type {name} ={space}{body};\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tagged_union_gets_one_member_and_one_field_a_line() {
        let decl = "type M = { \"type\": \"end\" } | { \"type\": \"hello\", \n/**\n * The token.\n */\ntoken: string, \n/**\n * Two\n * lines.\n */\nwhy: R | null, };";
        assert_eq!(
            export(decl),
            "export type M =\n  \
               | { \"type\": \"end\" }\n  \
               | {\n      \
                   \"type\": \"hello\";\n      \
                   /** The token. */\n      \
                   token: string;\n      \
                   /**\n       \
                    * Two\n       \
                    * lines.\n       \
                    */\n      \
                   why: R | null;\n    \
                 };\n"
        );
    }

    #[test]
    fn a_union_of_literals_stays_on_one_line() {
        assert_eq!(
            export("type S = \"idle\" | \"active\";"),
            "export type S = \"idle\" | \"active\";\n"
        );
    }

    #[test]
    fn an_optional_field_keeps_its_question_mark() {
        assert_eq!(
            export("type A = { kind: K, \n/**\n * Where.\n */\nid?: number, };"),
            "export type A = {\n  kind: K;\n  /** Where. */\n  id?: number;\n};\n"
        );
    }
}
