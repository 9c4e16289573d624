//! `asmx-emulator --help` documents every flag of `src/config.rs` with its environment
//! variable. The flags and variables are read from the source text, so a new flag is
//! checked as soon as it is added.

use std::process::Command;
use std::time::Duration;

use crate::tools::run_bounded;

const CONFIG: &str = include_str!("../../src/config.rs");

/// Each `pub` field of `Config` with the text between it and the field before it (its
/// doc comment and `#[arg(...)]`).
fn fields() -> Vec<(String, String)> {
    let start = CONFIG.find("pub struct Config").expect("struct Config");
    let body = &CONFIG[start..];
    let body = &body[..body.find("\n}").expect("end of Config")];
    let mut fields = Vec::new();
    let mut before = String::new();
    for line in body.lines().skip(1) {
        match line.trim().strip_prefix("pub ") {
            Some(rest) => {
                let name = rest.split(':').next().unwrap().trim().to_string();
                fields.push((name, std::mem::take(&mut before)));
            }
            None => {
                before.push_str(line);
                before.push('\n');
            }
        }
    }
    fields
}

/// The values of `key = "..."` in `text`.
fn quoted_values<'a>(text: &'a str, key: &str) -> Vec<&'a str> {
    let marker = format!("{key} = \"");
    text.match_indices(&marker)
        .map(|(at, _)| {
            let rest = &text[at + marker.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

#[test]
fn help_documents_every_flag_and_its_environment_variable() {
    let fields = fields();
    assert!(fields.len() >= 10, "Config's fields: {fields:?}");
    let every_env = quoted_values(CONFIG, "env");
    assert!(
        every_env.iter().all(|e| e.starts_with("ASMX_")),
        "{every_env:?}"
    );

    let mut command = Command::new(env!("CARGO_BIN_EXE_asmx-emulator"));
    command.arg("--help");
    // Values from the test's own environment would show up in the help text.
    for (name, _) in std::env::vars().filter(|(n, _)| n.starts_with("ASMX_")) {
        command.env_remove(name);
    }
    let (ok, help) = run_bounded(command, Duration::from_secs(30));
    assert!(ok, "--help failed:\n{help}");

    // Every variable named in config.rs appears in the help.
    for env in &every_env {
        assert!(
            help.contains(&format!("[env: {env}")),
            "{env} missing:\n{help}"
        );
    }
    // Every field is a long flag with its own variable, on that flag's entry.
    let lines: Vec<&str> = help.lines().collect();
    for (field, attributes) in &fields {
        let flag = format!("--{}", field.replace('_', "-"));
        let env = quoted_values(attributes, "env");
        assert_eq!(
            env.len(),
            1,
            "{flag} has no `env = \"...\"` in src/config.rs"
        );
        let at = lines
            .iter()
            .position(|l| l.trim_start().split([' ', ',']).any(|w| w == flag))
            .unwrap_or_else(|| panic!("{flag} missing from --help:\n{help}"));
        let entry: Vec<&str> = lines[at..]
            .iter()
            .enumerate()
            .take_while(|(i, l)| *i == 0 || !l.trim_start().starts_with('-'))
            .map(|(_, l)| *l)
            .collect();
        let entry = entry.join("\n");
        assert!(
            entry.contains(&format!("[env: {}", env[0])),
            "{flag}'s entry does not name {}:\n{entry}",
            env[0]
        );
    }
}
