//! The npm README's code, type-checked as a user would paste it: every `js` and `ts` block of the packed
//! package's README becomes a file of its own, compiled by a strict `tsc --noEmit` (JavaScript with `checkJs`)
//! against the installed package's types.
//!
//! A block is an ES module (`.mjs`, `.mts`) unless its first line is a comment naming its file (`// report.cjs`):
//! that name's extension then decides (`.cjs` and `.cts` are CommonJS), and a name containing `worker` is checked
//! with the globals of a web worker instead of the DOM's and Node.js's. Blocks of other languages (shell, HTML) are
//! not compiled. Every block is checked: a snippet that cannot compile is a snippet to fix, not to exempt.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::tools::run;

/// One code block of the README.
#[derive(Debug, PartialEq, Eq)]
struct Snippet {
    /// The file it is written to: `readme-line-<line of its fence>[-<name>].<ext>`, so that tsc's messages lead
    /// back to the README.
    file: String,
    /// Checked with the web worker's globals (its first line names a worker file).
    worker: bool,
    code: String,
}

/// The `js` and `ts` blocks of a Markdown text.
fn snippets(markdown: &str) -> Vec<Snippet> {
    let mut found = Vec::new();
    let mut lines = markdown.lines().enumerate();
    while let Some((number, line)) = lines.next() {
        let Some(info) = line.trim_start().strip_prefix("```") else { continue };
        let language = info.split_whitespace().next().unwrap_or("");
        let body: Vec<&str> = lines
            .by_ref()
            .map(|(_, line)| line)
            .take_while(|line| !line.trim_start().starts_with("```"))
            .collect();
        let typescript = match language {
            "js" | "javascript" => false,
            "ts" | "typescript" => true,
            _ => continue,
        };
        let name = body.first().and_then(|first| file_name(first));
        let extension = match name.and_then(|name| name.rsplit_once('.')).map(|(_, extension)| extension) {
            Some("cjs") => "cjs",
            Some("cts") => "cts",
            Some("ts" | "mts") => "mts",
            Some(_) => "mjs",
            None if typescript => "mts",
            None => "mjs",
        };
        let stem =
            name.and_then(|name| name.split('.').next()).map(|stem| format!("-{stem}")).unwrap_or_default();
        found.push(Snippet {
            file: format!("readme-line-{}{stem}.{extension}", number + 1),
            worker: name.is_some_and(|name| name.contains("worker")),
            code: body.join("\n") + "\n",
        });
    }
    found
}

/// The file named by a first line such as `// worker.js`: one word with a script extension.
fn file_name(line: &str) -> Option<&str> {
    let name = line.trim().strip_prefix("//")?.trim();
    let (stem, extension) = name.rsplit_once('.')?;
    let script = ["js", "mjs", "cjs", "ts", "mts", "cts"].contains(&extension);
    (script && !stem.is_empty() && !name.contains(char::is_whitespace)).then_some(name)
}

/// Writes the README's blocks into `dir` (inside the consumer project, so that `iothub-errors` resolves to the
/// installed package) and compiles them: `types` is the `@types` folder that holds `@types/node`, `modules` a
/// `node_modules` folder with the other packages the snippets import (the Azure IoT SDK), linked into `dir`.
pub fn check(readme: &Path, dir: &Path, tsc: &Path, types: &Path, modules: &Path) -> Result<(), String> {
    let text = fs::read_to_string(readme).map_err(|e| format!("{}: {e}", readme.display()))?;
    let all = snippets(&text);
    if all.is_empty() {
        return Err(format!("{} has no js or ts block", readme.display()));
    }
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    std::os::unix::fs::symlink(modules, dir.join("node_modules"))
        .map_err(|e| format!("{}: {e}", dir.join("node_modules").display()))?;
    for snippet in &all {
        let path = dir.join(&snippet.file);
        fs::write(&path, &snippet.code).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    for worker in [false, true] {
        let files: Vec<&str> = all
            .iter()
            .filter(|snippet| snippet.worker == worker)
            .map(|snippet| snippet.file.as_str())
            .collect();
        if files.is_empty() {
            continue;
        }
        let (lib, node_types) = if worker {
            (r#"["es2022", "webworker"]"#, "[]")
        } else {
            (r#"["es2022", "esnext.disposable", "dom"]"#, r#"["node"]"#)
        };
        let config = format!(
            r#"{{
  "compilerOptions": {{
    "strict": true, "noEmit": true, "allowJs": true, "checkJs": true, "skipLibCheck": true,
    "target": "es2022", "module": "nodenext", "moduleResolution": "nodenext",
    "lib": {lib}, "types": {node_types}, "typeRoots": [{types:?}]
  }},
  "files": {files:?}
}}
"#,
            types = types.display().to_string(),
        );
        let name = if worker { "tsconfig.worker.json" } else { "tsconfig.json" };
        fs::write(dir.join(name), config).map_err(|e| format!("{}: {e}", dir.join(name).display()))?;
        println!(
            "tsc --strict: {} README blocks ({})",
            files.len(),
            if worker { "web worker" } else { "DOM and Node.js" }
        );
        run(Command::new(tsc).args(["--project", name]).current_dir(dir))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_found_named_and_typed() {
        let readme = "# x\n\n```sh\nnpm install x\n```\n\n```js\nimport { a } from 'x';\n```\n\n\
                      ```js\n// worker.js\nself.onmessage = () => {};\n```\n\n```js\n// report.cjs\nrequire('x');\n```\n\n\
                      ```ts\nconst n: number = 1;\n```\n\n```html\n<p>\n```\n";
        let found = snippets(readme);
        let files: Vec<(&str, bool)> = found.iter().map(|s| (s.file.as_str(), s.worker)).collect();
        assert_eq!(
            files,
            [
                ("readme-line-7.mjs", false),
                ("readme-line-11-worker.mjs", true),
                ("readme-line-16-report.cjs", false),
                ("readme-line-21.mts", false),
            ]
        );
        assert_eq!(found[0].code, "import { a } from 'x';\n");
        assert_eq!(found[1].code, "// worker.js\nself.onmessage = () => {};\n");
    }

    #[test]
    fn only_a_lone_file_name_names_a_block() {
        assert_eq!(file_name("// worker.js"), Some("worker.js"));
        assert_eq!(file_name("  //report.cts "), Some("report.cts"));
        assert_eq!(file_name("// see the file a.js"), None);
        assert_eq!(file_name("// 404103."), None);
        assert_eq!(file_name("const a = 1; // x.js"), None);
    }
}
