import Foundation
import QLearnKit

/// The server's HTML pages. Every text from a lesson goes through ``HTML/escape(_:)`` or, for the prose, through
/// libcmark's safe HTML renderer; the pages carry no inline script or style (the Content-Security-Policy forbids them).
enum Pages {
  static func document(title: String, bodyAttributes: String = "", _ body: String) -> String {
    """
    <!doctype html>
    <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
    <title>\(HTML.escape(title))</title>
    <link rel="stylesheet" href="/static/app.css"><link rel="stylesheet" href="/xterm/xterm.css">
    <script src="/xterm/xterm.js" defer></script><script src="/static/app.js" defer></script>
    </head><body\(bodyAttributes)>
    <header class="top"><a class="brand" href="/">qlearn</a><span class="where">\(HTML.escape(title))</span></header>
    \(body)
    </body></html>
    """
  }

  /// The course: lessons in teaching order, with progress, minutes and whether a VM runs.
  static func course(_ web: WebCourse) throws -> String {
    let store = try web.store()
    var rows = ""
    for (index, lesson) in web.course.lessons.enumerated() {
      let progress = try store.progress(lesson: lesson.id, steps: lesson.steps.map(\.id))
      let done = progress.completedSteps
      let summary =
        progress.isComplete
        ? "done" : progress.steps.allSatisfy({ $0.state == .notStarted }) ? "not started" : "\(done)/\(progress.steps.count) steps"
      let running = web.runningRecord(lesson) != nil
      let percent = progress.steps.isEmpty ? 0 : done * 100 / progress.steps.count
      rows += """
        <tr><td class="num">\(index + 1)</td>
        <td><a href="/lesson/\(HTML.escape(lesson.id))">\(HTML.escape(lesson.title))</a><div class="summary">\(HTML.escape(lesson.summary))</div></td>
        <td>\(HTML.escape(lesson.topic))</td><td class="num">\(lesson.minutes)</td>
        <td><progress max="100" value="\(percent)"></progress> \(HTML.escape(summary))</td>
        <td>\(running ? "<span class=\"badge running\">running</span>" : "")</td></tr>

        """
    }
    var notes = ""
    for failure in web.course.failures {
      notes += "<li>\(HTML.escape(failure.file)) is not a valid lesson: <code>qlearn lint</code> says why.</li>"
    }
    return document(
      title: "The course",
      """
      <main class="course"><h1>The course</h1>
      <p>Lessons in teaching order: prerequisites first. Progress is the same as <code>qlearn progress</code> shows.</p>
      <table><thead><tr><th>#</th><th>Lesson</th><th>Topic</th><th>Minutes</th><th>Progress</th><th>VM</th></tr></thead>
      <tbody>\(rows)</tbody></table>
      \(notes.isEmpty ? "" : "<ul class=\"notes\">\(notes)</ul>")
      </main>
      """)
  }

  /// A lesson: prose and machine on the left; steps, boot progress, console and monitor on the right.
  static func lesson(_ lesson: Lesson) -> String {
    let steps = lesson.steps.enumerated().map { index, step in
      "<li data-step=\"\(HTML.escape(step.id))\"><span class=\"state\"></span>\(index + 1). \(HTML.escape(step.title))</li>"
    }.joined()
    return document(
      title: lesson.title, bodyAttributes: " data-lesson=\"\(HTML.escape(lesson.id))\" class=\"lesson-page\"",
      """
      <main class="lesson">
      <div class="left">
        <details class="machine-section" open><summary>The machine <span class="muted">(declared in the lesson; qlearn
        writes the QEMU command line from it)</span></summary>
        <div class="machine-scroll">\(MachineDiagram.svg(lesson.machine))</div></details>
        <article class="prose">\(HTMLRenderer.render(lesson.body))</article>
      </div>
      <div class="right">
        <section class="vm">
          <div class="vm-bar"><span id="vm-status" class="badge">…</span>
          <button id="start" type="button">Start</button><button id="stop" type="button">Stop</button></div>
          <pre id="boot-log" class="boot-log" hidden></pre>
        </section>
        <section class="steps">
          <ol id="step-list" class="step-list">\(steps)</ol>
          <div id="step-panel" class="step-panel">
            <h2 id="step-title"></h2>
            <p id="step-goal" class="goal"></p>
            <ol id="hints" class="hints"></ol>
            <div class="row"><input id="answer" type="text" placeholder="Your answer" autocomplete="off" aria-label="Your answer">
            <button id="answer-button" type="button">Answer</button></div>
            <div class="row"><button id="check" type="button" class="primary">Check</button>
            <button id="hint" type="button">Hint</button><button id="next" type="button">Next</button></div>
            <div id="watch" class="watch" hidden></div>
            <div id="result" class="result"></div>
          </div>
        </section>
        <section class="terminal-section">
          <div class="tabs"><button id="tab-console" type="button" class="tab active">Console</button>
          <button id="tab-monitor" type="button" class="tab">Monitor</button><span id="console-status" class="muted"></span></div>
          <div id="terminal" class="terminal"></div>
          <div id="monitor" class="monitor" hidden><pre id="monitor-output"></pre>
          <div class="row"><span class="prompt">(qemu)</span><input id="monitor-input" type="text" autocomplete="off" aria-label="Monitor command"></div></div>
        </section>
      </div>
      </main>
      """)
  }
}
