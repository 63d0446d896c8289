//! The layer rules of DESIGN.md, as data, and the tests that hold every file of `src/` to
//! them: which top-level module may import which (every `crate::` path, in `use` lines and
//! inline), and no import circle, between modules or between files.
//!
//! ```text
//! main ─► app ─► config ─► client | probe | serve | replay ─► the shared stages
//! ```
//!
//! A new layer is a line in [`RULES`], as `proto` (the application protocols' pure codecs,
//! used by the session, input and render) was.
//!
//! Paths relative to a module (`super::`, `self::`, a child's name) stay inside its folder:
//! they are the module's own business and not followed here.

mod scan;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What `app` runs, each on the settings `config` builds for it.
const COMPONENTS: &[&str] = &["client", "probe", "serve", "replay"];

/// Which top-level modules may import which.
enum Rule {
    /// Nothing but `by` imports any of `modules`.
    OnlyImportedBy {
        modules: &'static [&'static str],
        by: &'static [&'static str],
    },
    /// None of `from` imports any of `to` (other than itself).
    NeverImports {
        from: &'static [&'static str],
        to: &'static [&'static str],
    },
}

/// The rules, each with the words that name it when it is broken.
const RULES: &[(&str, Rule)] = &[
    (
        "only main runs app",
        Rule::OnlyImportedBy {
            modules: &["app"],
            by: &["main"],
        },
    ),
    (
        "only app, config and generate import cli",
        Rule::OnlyImportedBy {
            modules: &["cli"],
            by: &["app", "config", "generate"],
        },
    ),
    (
        "only app imports config",
        Rule::OnlyImportedBy {
            modules: &["config"],
            by: &["app"],
        },
    ),
    (
        "client, probe, serve and replay never import each other",
        Rule::NeverImports {
            from: COMPONENTS,
            to: COMPONENTS,
        },
    ),
    (
        "the components are run by app on settings config builds: nothing below them imports them",
        Rule::OnlyImportedBy {
            modules: COMPONENTS,
            by: &["app", "config"],
        },
    ),
    (
        "wire does not import net",
        Rule::NeverImports {
            from: &["wire"],
            to: &["net"],
        },
    ),
    (
        "proto (pure codecs) is used by the session, input, render and config only",
        Rule::OnlyImportedBy {
            modules: &["proto"],
            by: &["session", "input", "render", "config"],
        },
    ),
];

/// One path a file names from the crate's root, and the file that defines where it leads.
#[derive(Debug, Clone)]
struct Import {
    /// The importing file, relative to `src/`.
    file: String,
    line: usize,
    /// The path as written (`crate::...`, or `wscope::...` in the binary).
    path: String,
    /// The file of the deepest module on the path, relative to `src/`.
    to: String,
}

impl Import {
    fn said(&self) -> String {
        format!("src/{}:{} names {}", self.file, self.line, self.path)
    }
}

/// The top-level module a file of `src/` belongs to (`lib` and `main` for the crate roots).
fn top(file: &str) -> &str {
    let first = file.split('/').next().unwrap_or(file);
    first.strip_suffix(".rs").unwrap_or(first)
}

/// The module a file of `src/` is, as path segments (empty for the crate roots).
fn module_of(file: &str) -> Vec<String> {
    let stem = file.strip_suffix(".rs").unwrap_or(file);
    let stem = stem.strip_suffix("/mod").unwrap_or(stem);
    match stem {
        "lib" | "main" => Vec::new(),
        _ => stem.split('/').map(String::from).collect(),
    }
}

/// Every file of `src/`, relative to it, with its text.
fn sources() -> Vec<(String, String)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("src/ is readable")
            .map(|e| e.expect("a directory entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(root, &path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(root).expect("under src/");
                let text = std::fs::read_to_string(&path).expect("a readable source file");
                out.push((rel.to_string_lossy().into_owned(), text));
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    walk(&root, &root, &mut out);
    out
}

/// The imports of `files` (path relative to `src/`, text), each resolved to a file.
fn imports(files: &[(String, String)]) -> Vec<Import> {
    let modules: BTreeMap<Vec<String>, &str> = files
        .iter()
        .map(|(file, _)| (module_of(file), file.as_str()))
        .collect();
    let mut out = Vec::new();
    for (file, text) in files {
        // The binary names the library by its name.
        let root = if file == "main.rs" { "wscope" } else { "crate" };
        for named in scan::crate_paths(text, root) {
            let to = (0..=named.path.len())
                .rev()
                .find_map(|n| modules.get(&named.path[..n]))
                .copied()
                .unwrap_or("lib.rs");
            out.push(Import {
                file: file.clone(),
                line: named.line,
                path: format!("{root}::{}", named.path.join("::")),
                to: to.to_string(),
            });
        }
    }
    out
}

/// Each import that breaks a rule, said with the rule (the first it breaks).
fn broken(rules: &[(&str, Rule)], imports: &[Import]) -> Vec<String> {
    let mut said = Vec::new();
    for import in imports {
        let (from, to) = (top(&import.file), top(&import.to));
        if from == to {
            continue;
        }
        let rule = rules.iter().find(|(_, rule)| match rule {
            Rule::OnlyImportedBy { modules, by } => modules.contains(&to) && !by.contains(&from),
            Rule::NeverImports { from: f, to: t } => f.contains(&from) && t.contains(&to),
        });
        if let Some((name, _)) = rule {
            said.push(format!("{name}: {}", import.said()));
        }
    }
    said
}

/// The circles of a graph: its strongly connected parts of more than one node (Tarjan's
/// algorithm), each sorted.
fn circles(edges: &BTreeMap<&str, BTreeSet<&str>>) -> Vec<Vec<String>> {
    struct Walk<'a> {
        edges: &'a BTreeMap<&'a str, BTreeSet<&'a str>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        found: Vec<Vec<String>>,
    }
    impl<'a> Walk<'a> {
        fn visit(&mut self, v: &'a str) {
            let i = self.index.len();
            self.index.insert(v, i);
            self.low.insert(v, i);
            self.stack.push(v);
            for &w in self.edges.get(v).into_iter().flatten() {
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.stack.contains(&w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let at = self.stack.iter().rposition(|n| *n == v).unwrap_or(0);
                let mut part: Vec<String> = self.stack.drain(at..).map(String::from).collect();
                if part.len() > 1 {
                    part.sort();
                    self.found.push(part);
                }
            }
        }
    }
    let mut walk = Walk {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for &v in edges.keys() {
        if !walk.index.contains_key(v) {
            walk.visit(v);
        }
    }
    walk.found
}

/// The circles among the imports, between files or (`by_module`) between top-level modules,
/// each said with the imports that close it.
fn import_circles(imports: &[Import], by_module: bool) -> Vec<String> {
    let key = |file: &str| -> String {
        if by_module {
            top(file).to_string()
        } else {
            file.to_string()
        }
    };
    let keyed: Vec<(String, String, &Import)> = imports
        .iter()
        .map(|i| (key(&i.file), key(&i.to), i))
        .filter(|(from, to, _)| from != to)
        .collect();
    let mut edges: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (from, to, _) in &keyed {
        edges.entry(from).or_default().insert(to);
    }
    circles(&edges)
        .into_iter()
        .map(|part| {
            let inside: Vec<String> = keyed
                .iter()
                .filter(|(f, t, _)| part.contains(f) && part.contains(t))
                .map(|(_, _, i)| i.said())
                .collect();
            format!(
                "import circle through {}:\n    {}",
                part.join(", "),
                inside.join("\n    ")
            )
        })
        .collect()
}

mod tests {
    use super::*;

    #[test]
    fn every_import_keeps_the_layer_rules() {
        let files = sources();
        let tops: BTreeSet<&str> = files.iter().map(|(f, _)| top(f)).collect();
        for (name, rule) in RULES {
            let (Rule::OnlyImportedBy { modules, by }
            | Rule::NeverImports {
                from: modules,
                to: by,
            }) = rule;
            for m in modules.iter().chain(by.iter()) {
                assert!(
                    tops.contains(m),
                    "the rule '{name}' names no module of src/: {m}"
                );
            }
        }
        let said = broken(RULES, &imports(&files));
        assert!(
            said.is_empty(),
            "layer rules broken:\n  {}",
            said.join("\n  ")
        );
    }

    #[test]
    fn no_import_circle_between_modules_or_files() {
        let imports = imports(&sources());
        assert!(
            imports.len() > 100,
            "the imports were read: {}",
            imports.len()
        );
        for by_module in [true, false] {
            let said = import_circles(&imports, by_module);
            assert!(said.is_empty(), "{}", said.join("\n"));
        }
    }

    fn files(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(f, t)| (f.to_string(), t.to_string()))
            .collect()
    }

    #[test]
    fn a_broken_rule_is_named_with_the_file_and_line_that_break_it() {
        let imports = imports(&files(&[
            ("client/mod.rs", "mod x;\n"),
            ("client/x.rs", "use crate::config::Settings;\n"),
            (
                "config/mod.rs",
                "use crate::probe::{ProbeConfig, card::X};\n",
            ),
            ("probe/mod.rs", "fn f() {\n    crate::client::run();\n}\n"),
            ("probe/card.rs", ""),
            ("wire/tap.rs", "use crate::net::observe;\n"),
            ("net/mod.rs", ""),
        ]));
        assert_eq!(imports[2].to, "probe/card.rs", "the deepest module file");
        assert_eq!(
            broken(RULES, &imports),
            [
                "only app imports config: src/client/x.rs:1 names crate::config::Settings",
                "client, probe, serve and replay never import each other: \
                 src/probe/mod.rs:2 names crate::client::run",
                "wire does not import net: src/wire/tap.rs:1 names crate::net::observe",
            ]
        );
    }

    #[test]
    fn a_circle_is_found_between_files_and_between_modules() {
        let imports = imports(&files(&[
            ("a/mod.rs", "use crate::b::x;\n"),
            ("a/y.rs", ""),
            ("b/x.rs", "use crate::a::y;\n"),
            ("c.rs", "use crate::a;\n"),
        ]));
        assert!(
            import_circles(&imports, false).is_empty(),
            "no file closes one"
        );
        let said = import_circles(&imports, true);
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(
            said[0].starts_with("import circle through a, b:"),
            "{}",
            said[0]
        );
        assert!(
            said[0].contains("src/b/x.rs:1 names crate::a::y"),
            "{}",
            said[0]
        );
        let imports = self::imports(&files(&[
            ("a.rs", "use crate::b::f;\n"),
            ("b.rs", "fn f() { crate::a::g() }\n"),
        ]));
        assert_eq!(import_circles(&imports, false).len(), 1);
    }
}
