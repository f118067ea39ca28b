import Foundation

/// xterm.js as the browser loads it, from Debian's files.
///
/// Debian 12's `libjs-xterm` 3.8.1 ships, as `xterm.js`, a 288-byte stub that `require`s `./public/Terminal`, a module
/// the package does not contain; the real code is in `node-xterm` (`/usr/share/nodejs/xterm/lib`, CommonJS modules).
/// qlearn wraps those modules, and libjs-xterm's fit addon, in a small CommonJS loader and serves the result as one
/// script, so the page runs Debian's xterm.js with no CDN and no build step.
enum XtermBundle {
  static let modulesDirectory = URL(fileURLWithPath: "/usr/share/nodejs/xterm/lib")
  static let browserDirectory = URL(fileURLWithPath: "/usr/share/javascript/xterm")

  enum Failure: Error, LocalizedError {
    case missing(String)
    var errorDescription: String? {
      switch self {
      case .missing(let path):
        "xterm.js is not installed (\(path) is missing), so the page has no console. Run Scripts/install-browser-deps (Debian's libjs-xterm and node-xterm)."
      }
    }
  }

  /// The bundle: every non-test module, keyed by its path without `.js`, then `window.Terminal` with the fit addon.
  static func build(modules: URL = modulesDirectory, browser: URL = browserDirectory) throws -> String {
    let entry = modules.appendingPathComponent("public/Terminal.js")
    guard FileManager.default.fileExists(atPath: entry.path) else { throw Failure.missing(entry.path) }
    var sources: [(String, String)] = []
    let root = modules.standardizedFileURL.path
    if let walker = FileManager.default.enumerator(atPath: root) {
      for case let relative as String in walker
      where relative.hasSuffix(".js") && !relative.hasSuffix(".test.js") {
        let text = try String(contentsOfFile: root + "/" + relative, encoding: .utf8)
        sources.append((String(relative.dropLast(3)), text))
      }
    }
    let fit = browser.appendingPathComponent("addons/fit/fit.js")
    if let text = try? String(contentsOf: fit, encoding: .utf8) { sources.append(("addons/fit/fit", text)) }
    var out = """
      (function () {
      'use strict';
      var definitions = {}, cache = {};
      function resolve(from, name) {
        if (name.charAt(0) !== '.') return name;
        var parts = from.split('/'); parts.pop();
        name.split('/').forEach(function (part) {
          if (part === '..') parts.pop(); else if (part !== '.') parts.push(part);
        });
        return parts.join('/');
      }
      function load(name) {
        if (cache[name]) return cache[name].exports;
        var definition = definitions[name];
        if (!definition) throw new Error('xterm bundle: no module ' + name);
        var module = { exports: {} };
        cache[name] = module;
        definition.call(module.exports, function (required) { return load(resolve(name, required)); }, module, module.exports);
        return module.exports;
      }

      """
    for (name, text) in sources.sorted(by: { $0.0 < $1.0 }) {
      out += "definitions[\(jsonString(name))] = function (require, module, exports) {\n\(withoutSourceMap(text))\n};\n"
    }
    out += """
      var Terminal = load('public/Terminal').Terminal;
      if (definitions['addons/fit/fit']) Terminal.applyAddon(load('addons/fit/fit'));
      window.Terminal = Terminal;
      })();

      """
    return out
  }

  static func jsonString(_ text: String) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .withoutEscapingSlashes
    let data = (try? encoder.encode(text)) ?? Data("\"\"".utf8)
    return String(decoding: data, as: UTF8.self)
  }

  /// Drops `//# sourceMappingURL=` lines: the maps are not served.
  static func withoutSourceMap(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false)
      .filter { !$0.hasPrefix("//# sourceMappingURL=") }.joined(separator: "\n")
  }
}
