//! The layout of `sim/` holds (issue 19): read from the sources, no file of `sim/` imports, directly
//! or not, a file that imports it (so the routing tables import the handlers and never the
//! reverse), and only the fixture API itself and the `/_sim/` surface reach into `fixtures/`.
//! Imports are the `crate::sim::...` and `super::...` paths of each file (comments left out); an
//! item re-exported by `sim/mod.rs` counts as an import of the file that defines it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// `sim/` module path (`""` for `sim/mod.rs`, `"http/routes"`, ...) -> the file's source.
fn sources() -> BTreeMap<String, String> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path: PathBuf = entry.unwrap().path();
            let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            if path.is_dir() {
                if rel != "tests" {
                    walk(&path, root, out);
                }
            } else if let Some(module) = rel.strip_suffix(".rs") {
                let module = module.strip_suffix("/mod").unwrap_or(if module == "mod" { "" } else { module });
                out.insert(module.to_owned(), std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/sim");
    let mut out = BTreeMap::new();
    walk(&root, &root, &mut out);
    out
}

/// The code without `//` comments (doc links name modules too).
fn code(source: &str) -> String {
    source.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

/// The full paths of a path tree starting at `s` (`a::b::{c, d::e}` -> `a::b::c`, `a::b::d::e`).
fn paths(s: &str) -> Vec<String> {
    let s = s.trim_start();
    let head: String = s.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
    let rest = &s[head.len()..];
    let prefix = head.trim_end_matches(':');
    if !head.ends_with("::") || !rest.starts_with('{') {
        return vec![prefix.to_owned()];
    }
    let (mut depth, mut start, mut out) = (0, 1, Vec::new());
    for (i, c) in rest.char_indices() {
        match c {
            '{' => depth += 1,
            '}' | ',' if depth == 1 => {
                let item = rest[start..i].trim();
                let item = item.split(" as ").next().unwrap_or("").trim();
                if item == "self" {
                    out.push(prefix.to_owned());
                } else if !item.is_empty() {
                    out.extend(paths(item).into_iter().map(|p| format!("{prefix}::{p}")));
                }
                start = i + 1;
                if c == '}' {
                    break;
                }
            }
            '}' => depth -= 1,
            _ => {}
        }
    }
    out
}

/// The file module `path` (as written in `module`) leads to: the longest prefix naming a file,
/// or, for an item re-exported at the root, the file that defines it.
fn resolve(module: &str, path: &str, files: &BTreeMap<String, String>, reexports: &BTreeMap<String, String>) -> Option<String> {
    let mut parts: Vec<&str> = path.split("::").collect();
    let mut base: Vec<&str> = if module.is_empty() { Vec::new() } else { module.split('/').collect() };
    if parts.first() == Some(&"crate") {
        if parts.get(1) != Some(&"sim") {
            return None;
        }
        base.clear();
        parts.drain(..2);
    } else {
        while parts.first() == Some(&"super") {
            base.pop();
            parts.remove(0);
        }
    }
    let mut found = None;
    for i in 0..=parts.len() {
        let candidate = base.iter().chain(&parts[..i]).copied().collect::<Vec<_>>().join("/");
        if files.contains_key(&candidate) {
            found = Some((candidate, i));
        }
    }
    match found {
        Some((root, i)) if root.is_empty() => parts.get(i).and_then(|item| reexports.get(*item).cloned()),
        Some((file, _)) => Some(file),
        None => None,
    }
}

/// File module -> the file modules it imports.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let files = sources();
    let mut reexports = BTreeMap::new();
    for line in code(&files[""]).lines().filter_map(|l| l.trim().strip_prefix("pub use ")) {
        for p in paths(line.trim_end_matches(';')) {
            let (module, item) = p.rsplit_once("::").unwrap();
            reexports.insert(item.to_owned(), module.replace("::", "/"));
        }
    }
    let mut graph = BTreeMap::new();
    for (module, source) in &files {
        let code = code(source);
        let mut deps = BTreeSet::new();
        for (i, _) in code.match_indices("super::").chain(code.match_indices("crate::sim::")) {
            let before = code[..i].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            for p in paths(&code[i..]) {
                if let Some(dep) = resolve(module, &p, &files, &reexports) {
                    if dep != *module && !dep.is_empty() {
                        deps.insert(dep);
                    }
                }
            }
        }
        graph.insert(module.clone(), deps);
    }
    graph
}

/// A cycle through `from`, if any: the path back to it.
fn cycle_through(graph: &BTreeMap<String, BTreeSet<String>>, from: &str) -> Option<Vec<String>> {
    let mut stack = vec![vec![from.to_owned()]];
    let mut seen = BTreeSet::new();
    while let Some(path) = stack.pop() {
        let last = path.last().unwrap();
        for next in graph.get(last).into_iter().flatten() {
            if next == from {
                return Some([path.clone(), vec![next.clone()]].concat());
            }
            if seen.insert(next.clone()) {
                stack.push([path.clone(), vec![next.clone()]].concat());
            }
        }
    }
    None
}

#[test]
fn no_file_of_sim_imports_one_that_imports_it() {
    // Given: the import graph of sim/'s files.
    let graph = imports();
    // Then: the routing tables reach the handlers...
    assert!(graph["http/routes"].contains("vault/ops") && graph["domains/routes"].contains("domains/ops"), "{graph:?}");
    // ...and no file is on a cycle.
    let cycles: Vec<Vec<String>> = graph.keys().filter_map(|m| cycle_through(&graph, m)).collect();
    assert!(cycles.is_empty(), "import cycles in sim/: {cycles:?}");
}

#[test]
fn only_the_fixture_api_and_the_admin_surface_reach_into_fixtures() {
    // Given: the import graph of sim/'s files.
    let graph = imports();
    // Then: outside fixtures/, only the `/_sim/` surface (and the root's re-exports) imports it.
    let reaching: Vec<&String> = graph
        .iter()
        .filter(|(m, deps)| {
            !m.starts_with("fixtures") && !m.is_empty() && *m != "http/admin" && deps.iter().any(|d| d.starts_with("fixtures"))
        })
        .map(|(m, _)| m)
        .collect();
    assert!(reaching.is_empty(), "the core or the operations import the fixture API: {reaching:?}");
    assert!(graph["http/admin"].contains("fixtures/fleet"), "the graph sees inline paths: {:?}", graph["http/admin"]);
}
