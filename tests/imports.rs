//! The one-way import rule, as a test: no two files under `src/` import each other,
//! directly or through a chain. A cycle means two files cannot be understood, changed or
//! moved apart, and it usually starts with a `use super::X` that picks up a re-export
//! from a `mod.rs` instead of the file that defines `X`.
//!
//! The graph is built from the text, not by the compiler: every `use` item, every inline
//! `crate::`/`super::`/`self::` path and every inline path through a child module
//! (`chatbot::routes(cfg)`), doc links and comments included, goes to the longest module
//! prefix that is a file. Whatever follows a file's first `#[cfg(test)]` is ignored, and
//! nothing points at the crate root. Std only: it reads the sources in milliseconds, in
//! a binary of its own, apart from the server's tests.

use std::collections::BTreeMap;
use std::path::Path;

/// File name (`src/ops/args.rs`) -> files it imports -> the first path that did it.
type Graph = BTreeMap<String, BTreeMap<String, String>>;

const RULE: &str = "The rule: imports between files under src/ point one way. To fix: import \
    each item from the file that defines it (not a mod.rs re-export), move a type both \
    files need down into a file both can import, or merge files that are one concept.";

/// A file's module path: `src/ops/args.rs` -> [ops, args]; `mod.rs`, `lib.rs` and
/// `main.rs` name their directory's module (the crate root is the empty path).
fn module_of(file: &str) -> Vec<String> {
    let rel = file
        .strip_prefix("src/")
        .unwrap_or(file)
        .trim_end_matches(".rs");
    let mut parts: Vec<String> = rel.split('/').map(String::from).collect();
    if ["mod", "lib", "main"].contains(&parts[parts.len() - 1].as_str()) {
        parts.pop();
    }
    parts
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Byte length of `(::\w+)+` at the start of `s`, if at least one segment is there.
fn path_tail(s: &str) -> Option<usize> {
    let mut len = 0;
    while let Some(rest) = s[len..].strip_prefix("::") {
        let word = rest.find(|c: char| !is_word(c)).unwrap_or(rest.len());
        if word == 0 {
            break;
        }
        len += 2 + word;
    }
    (len > 0).then_some(len)
}

/// The argument of each `use` item (`pub`, `pub(crate)` too) that starts a line, up to
/// its `;` (possibly lines later).
fn use_items(src: &str) -> Vec<&str> {
    let (mut out, mut from) = (Vec::new(), 0);
    let line_starts = std::iter::once(0).chain(src.match_indices('\n').map(|(i, _)| i + 1));
    for start in line_starts {
        if start < from {
            continue; // inside the item just read
        }
        let mut rest = src[start..].trim_start();
        if let Some(after_pub) = rest.strip_prefix("pub") {
            let after = match after_pub.strip_prefix('(') {
                Some(inner) => inner.find(')').map_or(after_pub, |end| &inner[end + 1..]),
                None => after_pub,
            };
            if after.trim_start().len() < after.len() {
                rest = after.trim_start();
            }
        }
        let Some(after_use) = rest.strip_prefix("use") else {
            continue;
        };
        let arg = after_use.trim_start();
        if arg.len() == after_use.len() {
            continue; // `user`, `used`: not the keyword
        }
        if let Some(len) = arg.find(';').filter(|&len| len > 0) {
            out.push(&arg[..len]);
            from = src.len() - arg.len() + len + 1;
        }
    }
    out
}

/// Inline paths: `crate::x::y`, `super::x`, `self::x`, and any `lower::x` (kept later
/// only when `lower` is a child module of the file). A path never spans lines, so only
/// lines with a `::` are scanned.
fn inline_paths(src: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for line in src.lines().filter(|line| line.contains("::")) {
        let (mut prev, mut resume) = ('\n', 0);
        for (i, c) in line.char_indices() {
            let rest = &line[i..];
            // `\b(crate|super|self)(::\w+)+`, matches not overlapping.
            if i >= resume && is_word(c) && !is_word(prev) {
                for head in ["crate", "super", "self"] {
                    if let Some(len) = rest.strip_prefix(head).and_then(path_tail) {
                        out.push(&rest[..head.len() + len]);
                        resume = i + head.len() + len;
                    }
                }
            }
            // `(?<![\w:])[a-z_][a-z0-9_]*(::\w+)+`
            if !is_word(prev) && prev != ':' && (c.is_ascii_lowercase() || c == '_') {
                let lower = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_';
                let name = rest.find(|c: char| !lower(c)).unwrap_or(rest.len());
                if let Some(len) = path_tail(&rest[name..]) {
                    out.push(&rest[..name + len]);
                }
            }
            prev = c;
        }
    }
    out
}

/// `a::{b, c::{d, e}}` -> `a::b`, `a::c::d`, `a::c::e` (whitespace already removed).
fn expand(t: &str) -> Vec<String> {
    let Some(open) = t.find('{').filter(|_| t.ends_with('}')) else {
        return vec![t.to_string()];
    };
    let (pre, inner) = (&t[..open], &t[open + 1..t.len() - 1]);
    let (mut parts, mut depth, mut cur) = (Vec::new(), 0, String::new());
    for c in inner.chars() {
        depth += (c == '{') as i32 - (c == '}') as i32;
        if c == ',' && depth == 0 {
            parts.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        parts.push(cur);
    }
    parts
        .iter()
        .flat_map(|p| expand(&format!("{pre}{p}")))
        .collect()
}

/// The file-level import graph of `(file name, source)` pairs.
fn build_graph(files: &[(String, String)]) -> Graph {
    let modules: BTreeMap<Vec<String>, &str> = files
        .iter()
        .map(|(f, _)| (module_of(f), f.as_str()))
        .filter(|(m, _)| !m.is_empty()) // the root only declares: never an edge target
        .collect();
    let mut graph = Graph::new();
    for (file, source) in files {
        let here = module_of(file);
        let code = source.split("#[cfg(test)]").next().unwrap_or("");
        let edges = graph.entry(file.clone()).or_default();
        for text in use_items(code).into_iter().chain(inline_paths(code)) {
            let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            for path in expand(&text) {
                let segs: Vec<&str> = path.split("::").collect();
                let mut target: Vec<String> = match segs[0] {
                    "crate" => Vec::new(),
                    "super" | "self" => here.clone(),
                    first => {
                        let mut child = here.clone();
                        child.push(first.to_string());
                        if !modules.contains_key(&child) {
                            continue; // std::..., a local, a crate: not one of our files
                        }
                        here.clone()
                    }
                };
                let mut rest = &segs[(segs[0] == "crate" || segs[0] == "self") as usize..];
                while rest.first() == Some(&"super") {
                    target.pop();
                    rest = &rest[1..];
                }
                target.extend(rest.iter().map(|s| s.to_string()));
                // The longest prefix that is a file: `crate::ops::args::Args` -> ops/args.rs.
                let hit = (1..=target.len())
                    .rev()
                    .find_map(|n| modules.get(&target[..n]));
                if let Some(&to) = hit.filter(|&&to| to != file) {
                    edges.entry(to.to_string()).or_insert(path);
                }
            }
        }
    }
    graph
}

/// Strongly connected components of more than one file (Tarjan's algorithm), sorted.
fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    #[derive(Default)]
    struct Walk<'g> {
        seen: BTreeMap<&'g str, (usize, usize)>, // file -> (visit order, lowest reached)
        stack: Vec<&'g str>, // visited files whose component is not finished yet
        found: Vec<Vec<String>>,
    }
    fn visit<'g>(graph: &'g Graph, walk: &mut Walk<'g>, v: &'g str) {
        let order = walk.seen.len();
        walk.seen.insert(v, (order, order));
        walk.stack.push(v);
        for to in graph[v].keys().map(String::as_str) {
            if !walk.seen.contains_key(to) {
                visit(graph, walk, to);
            } else if !walk.stack.contains(&to) {
                continue; // in a finished component: no way back to `v`
            }
            let low = walk.seen[v].1.min(walk.seen[to].1);
            walk.seen.get_mut(v).unwrap().1 = low;
        }
        if walk.seen[v].0 == walk.seen[v].1 {
            // `v` reaches nothing visited before it: `v` and what is above it on the stack
            // are one component.
            let at = walk.stack.iter().rposition(|&f| f == v).unwrap();
            let mut component: Vec<String> = walk.stack.drain(at..).map(String::from).collect();
            if component.len() > 1 {
                component.sort();
                walk.found.push(component);
            }
        }
    }
    let mut walk = Walk::default();
    for v in graph.keys() {
        if !walk.seen.contains_key(v.as_str()) {
            visit(graph, &mut walk, v);
        }
    }
    walk.found.sort();
    walk.found
}

/// Each cycle's files and the edges among them, with the path behind each edge.
fn report(graph: &Graph, found: &[Vec<String>]) -> String {
    let mut out = format!(
        "{} import cycle(s) between files under src/:\n",
        found.len()
    );
    for comp in found {
        out += &format!("\ncycle of {} files: {}\n", comp.len(), comp.join(", "));
        for from in comp {
            for (to, path) in graph[from].iter().filter(|(to, _)| comp.contains(to)) {
                out += &format!("    {from} -> {to}  (via `{path}`)\n");
            }
        }
    }
    out + "\n" + RULE
}

/// Every `.rs` file under the crate's `src/`, named `src/...` with `/` separators.
fn read_src() -> Vec<(String, String)> {
    fn walk(dir: &Path, name: &str, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).expect("read src dir") {
            let path = entry.expect("dir entry").path();
            let child = format!("{name}/{}", path.file_name().unwrap().to_string_lossy());
            if path.is_dir() {
                walk(&path, &child, out);
            } else if child.ends_with(".rs") {
                out.push((
                    child,
                    std::fs::read_to_string(&path).expect("read source file"),
                ));
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        "src",
        &mut out,
    );
    out.sort();
    out
}

#[test]
fn no_source_file_is_in_an_import_cycle() {
    let graph = build_graph(&read_src());
    let found = cycles(&graph);
    assert!(found.is_empty(), "{}", report(&graph, &found));
}

/// A builder that silently saw no edges would pass the test above: prove it sees each
/// kind of path, and reports a two-file cycle.
#[test]
fn the_graph_builder_sees_each_kind_of_import() {
    let files = [
        ("src/lib.rs", "pub mod a;\npub mod b;\nfn go() { a::run(); }\n"),
        ("src/a/mod.rs", "mod x;\nmod y;\npub use x::U;\npub fn run() {\n    y::helper();\n}\n"),
        ("src/a/x.rs", "use std::fmt;\nuse super::y::T;\nuse crate::{\n    b::Config,\n    a::y::{self, helper},\n};\npub struct U;\n"),
        ("src/a/y.rs", "// a loop back\npub(crate) use super::x::U;\npub struct T;\npub fn helper() {}\n#[cfg(test)]\nmod tests {\n    use crate::b::Config;\n}\n"),
        ("src/b.rs", "use crate::missing::Thing;\npub struct Config;\nfn f() -> String { std::string::String::new() }\n"),
    ];
    let files: Vec<(String, String)> = files
        .iter()
        .map(|(f, s)| (f.to_string(), s.to_string()))
        .collect();
    let graph = build_graph(&files);
    let edges: Vec<String> = graph
        .iter()
        .flat_map(|(f, ts)| ts.keys().map(move |t| format!("{f} -> {t}")))
        .collect();
    let expected = [
        "src/a/mod.rs -> src/a/x.rs", // `pub use x::U`: a child-relative use in mod.rs
        "src/a/mod.rs -> src/a/y.rs", // `y::helper()`: an inline child path
        "src/a/x.rs -> src/a/y.rs",   // `super::y::T`, and the brace group
        "src/a/x.rs -> src/b.rs",     // `crate::{b::Config, ..}`
        "src/a/y.rs -> src/a/x.rs",   // `pub(crate) use super::x::U`; tests module ignored
        "src/lib.rs -> src/a/mod.rs", // `a::run()` from the root
    ];
    assert_eq!(edges, expected);
    let found = cycles(&graph);
    assert_eq!(found, [["src/a/x.rs", "src/a/y.rs"]]);
    let text = report(&graph, &found);
    assert!(
        text.contains("src/a/x.rs -> src/a/y.rs") && text.contains("src/a/y.rs -> src/a/x.rs"),
        "{text}"
    );
}

/// The real tree has hundreds of imports; pin a few of each kind so a regression in
/// the builder (or a move of `src/`) cannot leave the cycle test checking nothing.
#[test]
fn the_real_graph_has_the_imports_we_know() {
    let graph = build_graph(&read_src());
    let edges: usize = graph.values().map(BTreeMap::len).sum();
    assert!(
        graph.len() > 100 && edges > 200,
        "{} files, {edges} edges",
        graph.len()
    );
    for (from, to) in [
        ("src/ops/call.rs", "src/ops/method.rs"), // use super::method::{..}
        ("src/store/users.rs", "src/model.rs"),   // use crate::model::{..}
        ("src/asmx/mod.rs", "src/asmx/fault.rs"), // use fault::{..} in a mod.rs
        ("src/vendors/body.rs", "src/body.rs"),   // inline crate::body::read(..)
        ("src/vendors/mod.rs", "src/vendors/chatbot.rs"), // inline chatbot::routes(cfg)
    ] {
        assert!(graph[from].contains_key(to), "missing edge {from} -> {to}");
    }
}
