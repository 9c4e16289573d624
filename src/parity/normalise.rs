//! What legitimately differs between two runs of the same exchange, replaced by a
//! placeholder on both sides before they are compared: each side's own address, GUIDs
//! (tickets, in either case), dates and times (expiries, stamps). Shared with the
//! replay of the oracle captures (`tests/api/captures.rs`).

/// Whether `text` starts with `shape`, where `h` stands for a hex digit and `d` for a
/// decimal one.
pub fn starts_with_shape(text: &str, shape: &str) -> bool {
    text.len() >= shape.len()
        && text.bytes().zip(shape.bytes()).all(|(t, s)| match s {
            b'h' => t.is_ascii_hexdigit(),
            b'd' => t.is_ascii_digit(),
            _ => t == s,
        })
}

/// `text` with every run matching one of `shapes` (see [`starts_with_shape`]) replaced
/// by its placeholder; after a match, `tail(placeholder, rest)` says how many more
/// bytes belong to it.
pub fn replace_shapes(
    text: &str,
    shapes: &[(&str, &str)],
    tail: impl Fn(&str, &str) -> usize,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        match shapes
            .iter()
            .find(|(shape, _)| starts_with_shape(rest, shape))
        {
            Some((shape, placeholder)) => {
                out.push_str(placeholder);
                rest = &rest[shape.len()..];
                rest = &rest[tail(placeholder, rest)..];
            }
            None => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
}

const SHAPES: [(&str, &str); 3] = [
    ("hhhhhhhh-hhhh-hhhh-hhhh-hhhhhhhhhhhh", "{guid}"),
    ("dddd-dd-ddTdd:dd:dd", "{time}"),
    ("dddd-dd-dd dd:dd:dd", "{time}"),
];

/// How many bytes after a time are still part of it: fractions of a second and a zone.
fn time_tail(rest: &str) -> usize {
    let bytes = rest.as_bytes();
    let mut n = 0;
    if bytes.first() == Some(&b'.') {
        n = 1 + bytes[1..].iter().take_while(|b| b.is_ascii_digit()).count();
    }
    match bytes.get(n) {
        Some(b'Z') => n + 1,
        Some(b'+' | b'-') if starts_with_shape(&rest[n + 1..], "dd:dd") => n + 6,
        _ => n,
    }
}

/// One side's text with its own address (`base`, e.g. `http://host:8080/worlds/a`,
/// or its path alone) as `{base}`, its host and port as `{host}`, GUIDs as `{guid}` and
/// times as `{time}`.
pub fn normalise(text: &str, base: &str) -> String {
    let mut text = text.to_string();
    if let Some(authority) = base.strip_prefix("http://") {
        text = text.replace(base, "{base}");
        let (host, path) = authority.split_at(authority.find('/').unwrap_or(authority.len()));
        // A page may link by path alone (`href="/worlds/a/srv.asmx?disco"`).
        if !path.is_empty() {
            text = text.replace(path, "{base}");
        }
        if !host.is_empty() {
            text = text.replace(host, "{host}");
        }
    }
    replace_shapes(&text, &SHAPES, |placeholder, rest| match placeholder {
        "{time}" => time_tail(rest),
        _ => 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_guids_and_times_become_placeholders() {
        let text =
            "http://h:1/w/a/srv.asmx /w/a/srv.asmx h:1 2EF437A1-9E7B-4F42-B809-A60FBC9DB18D \
                    2026-11-23T07:27:21.1234567Z 2026-11-23 07:27:21";
        assert_eq!(
            normalise(text, "http://h:1/w/a"),
            "{base}/srv.asmx {base}/srv.asmx {host} {guid} {time} {time}"
        );
    }
}
