/// The page's own script and style sheet, served from /static (the CSP allows no inline script or style).
enum StaticAssets {
  static let style = #"""
    :root { --fg: #1d2327; --muted: #667; --line: #d8dde3; --bg: #f6f7f9; --card: #fff; --accent: #1f6feb;
      --pass: #1a7f37; --fail: #cf222e; --mono: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 15px/1.5 system-ui, "DejaVu Sans", sans-serif; color: var(--fg); background: var(--bg); }
    header.top { display: flex; gap: 16px; align-items: baseline; padding: 10px 20px; background: #24292f; color: #fff; }
    header.top .brand { color: #fff; font-weight: 700; text-decoration: none; font-size: 18px; }
    header.top .where { color: #c9d1d9; }
    main.course { max-width: 1100px; margin: 24px auto; padding: 0 20px; }
    main.course table { width: 100%; border-collapse: collapse; background: var(--card); border: 1px solid var(--line); }
    main.course th, main.course td { padding: 8px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
    main.course td.num { text-align: right; width: 3em; }
    .summary { color: var(--muted); font-size: 13px; }
    .badge { display: inline-block; padding: 1px 8px; border-radius: 10px; background: #eaeef2; font-size: 13px; }
    .badge.running { background: #dafbe1; color: var(--pass); }
    .badge.booting { background: #fff8c5; color: #7d4e00; }
    .badge.failed { background: #ffebe9; color: var(--fail); }
    main.lesson { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 16px; padding: 16px; }
    .left, .right { min-width: 0; }
    .left { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 4px 24px 24px; overflow: auto; max-height: calc(100vh - 80px); }
    .prose pre { background: #f0f2f4; padding: 10px; overflow-x: auto; border-radius: 4px; }
    .prose code { font-family: var(--mono); font-size: 13px; }
    .prose h1 { font-size: 24px; }
    .prose img { max-width: 100%; }
    .muted { color: var(--muted); font-size: 13px; }
    section.vm, section.steps, section.terminal-section { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; margin-bottom: 12px; }
    .vm-bar { display: flex; gap: 8px; align-items: center; }
    .boot-log { font: 12px/1.4 var(--mono); background: #f0f2f4; padding: 6px 8px; margin: 8px 0 0; max-height: 9em; overflow: auto; }
    button { font: inherit; padding: 4px 12px; border: 1px solid var(--line); border-radius: 4px; background: #f6f8fa; cursor: pointer; }
    button.primary { background: var(--accent); color: #fff; border-color: var(--accent); }
    button:disabled { opacity: 0.5; cursor: default; }
    input[type=text] { font: inherit; padding: 4px 8px; border: 1px solid var(--line); border-radius: 4px; flex: 1; min-width: 0; }
    .row { display: flex; gap: 8px; margin: 8px 0; align-items: center; }
    .step-list { margin: 0 0 8px; padding-left: 0; list-style: none; display: flex; gap: 6px; flex-wrap: wrap; font-size: 13px; }
    .step-list li { padding: 2px 8px; border: 1px solid var(--line); border-radius: 10px; }
    .step-list li.current { border-color: var(--accent); color: var(--accent); font-weight: 600; }
    .step-list li.passed { background: #dafbe1; }
    .step-list li.skipped { background: #fff8c5; }
    .step-panel h2 { font-size: 18px; margin: 6px 0; }
    .goal { margin: 4px 0 8px; }
    .hints { margin: 0; padding-left: 20px; color: #7d4e00; }
    .result .check { font-family: var(--mono); font-size: 13px; }
    .result .pass { color: var(--pass); }
    .result .fail { color: var(--fail); }
    .result .verdict { font-weight: 700; margin-top: 4px; }
    .watch { background: #dafbe1; color: var(--pass); padding: 4px 8px; border-radius: 4px; }
    .tabs { display: flex; gap: 4px; align-items: center; margin-bottom: 6px; }
    .tab.active { background: #24292f; color: #fff; }
    .terminal { height: 360px; background: #000; padding: 4px; }
    .monitor pre { height: 320px; overflow: auto; background: #0d1117; color: #c9d1d9; font: 13px/1.35 var(--mono); padding: 8px; margin: 0; }
    .prompt { font-family: var(--mono); }
    [hidden] { display: none !important; }
    .machine-scroll { overflow-x: auto; padding: 6px 0 0; }
    .machine-section { margin: 14px 0 4px; padding: 8px 12px; background: #f6f8fa; border: 1px solid var(--line); border-radius: 6px; }
    .machine-section summary { cursor: pointer; font-weight: 600; }
    svg.machine text { font: 12px var(--mono); fill: #1d2327; }
    svg.machine text.detail { fill: #667; }
    svg.machine .edge { fill: none; stroke: #9aa4ae; stroke-width: 1.2; }
    svg.machine rect { stroke-width: 1; }
    svg.machine .machine rect { fill: #24292f; stroke: #24292f; } svg.machine .machine text { fill: #fff; }
    svg.machine .machine text.detail { fill: #667; }
    svg.machine .cpu rect { fill: #eaeef2; stroke: #9aa4ae; }
    svg.machine .bus rect { fill: #ddf4ff; stroke: #54aeff; }
    svg.machine .bridge rect { fill: #fbefff; stroke: #c297ff; }
    svg.machine .device rect { fill: #dafbe1; stroke: #4ac26b; }
    svg.machine .disk rect { fill: #fff1e5; stroke: #fb8f44; }
    svg.machine .backend rect { fill: #fff8c5; stroke: #d4a72c; }
    @media (max-width: 1000px) { main.lesson { grid-template-columns: 1fr; } .left { max-height: none; } }
    """#

  static let script = #"""
    'use strict';
    (function () {
      const lesson = document.body.dataset.lesson;
      if (!lesson) return;
      const $ = (id) => document.getElementById(id);
      const base = '/api/lesson/' + encodeURIComponent(lesson) + '/';
      let state = null, term = null, socket = null, polling = null, watching = null, lastGoodStep = null;

      async function call(path, method, body) {
        const response = await fetch(base + path, {
          method: method || 'GET', credentials: 'same-origin',
          headers: body ? { 'Content-Type': 'application/json' } : {},
          body: body ? JSON.stringify(body) : undefined,
        });
        const data = await response.json();
        if (!response.ok) throw new Error(data.error + (data.suggestion ? ' ' + data.suggestion : ''));
        return data;
      }

      function text(element, value) { element.textContent = value == null ? '' : String(value); }
      function line(className, value) { const div = document.createElement('div'); div.className = className; text(div, value); return div; }

      function render() {
        const status = $('vm-status');
        status.className = 'badge';
        if (state.booting) { text(status, 'booting…'); status.classList.add('booting'); }
        else if (state.running) { text(status, 'running (' + (state.accelerator || '').toUpperCase() + ', kernel ' + state.kernel + ')'); status.classList.add('running'); }
        else if (state.bootFailure) { text(status, 'boot failed'); status.classList.add('failed'); }
        else text(status, 'not running');
        $('start').disabled = state.running || state.booting;
        $('stop').disabled = !state.running;
        const log = $('boot-log');
        const lines = state.bootLines.slice();
        if (state.bootFailure) lines.push(state.bootFailure);
        log.hidden = lines.length === 0 || (state.running && !state.booting);
        text(log, lines.join('\n'));
        log.scrollTop = log.scrollHeight;
        for (const item of document.querySelectorAll('#step-list li')) {
          const s = state.steps.find((x) => x.id === item.dataset.step);
          item.className = s ? s.state : '';
          if (state.step && state.step.id === item.dataset.step) item.classList.add('current');
        }
        const step = state.step;
        const enabled = state.running && !!step;
        for (const id of ['check', 'hint', 'next', 'answer', 'answer-button']) $(id).disabled = !enabled;
        if (step) {
          text($('step-title'), 'Step ' + step.number + '/' + step.count + ': ' + step.title);
          text($('step-goal'), step.goal);
          const hints = $('hints');
          hints.replaceChildren(...step.hints.map((h) => { const li = document.createElement('li'); text(li, h); return li; }));
          if (lastGoodStep !== step.id) { $('watch').hidden = true; lastGoodStep = step.id; }
        } else if (state.finished) {
          text($('step-title'), 'Finished: every step is done.');
          text($('step-goal'), '');
          $('hints').replaceChildren();
        } else {
          text($('step-title'), 'Start the VM to work on the steps.');
          text($('step-goal'), '');
          $('hints').replaceChildren();
        }
      }

      async function refresh() {
        try { state = await call('state'); render(); } catch (e) { text($('vm-status'), e.message); return; }
        // Poll, so a VM started or a step checked from the command line shows here too.
        schedule(state.booting ? 500 : 3000);
        if (state.running) connectConsole(); else disconnectConsole();
      }

      function schedule(ms) { clearTimeout(polling); polling = setTimeout(refresh, ms); }

      function showResult(nodes) { $('result').replaceChildren(...nodes); }
      function message(value, cls) { showResult([line(cls || 'message', value)]); }

      async function action(button, path, body, after) {
        button.disabled = true;
        try { const data = await call(path, 'POST', body); if (after) after(data); else message(data.message); }
        catch (e) { message(e.message, 'fail'); }
        await refresh();
      }

      $('start').addEventListener('click', () => action($('start'), 'start', null, () => showResult([])));
      $('stop').addEventListener('click', () => action($('stop'), 'stop', null, (d) => { disconnectConsole(); message(d.message); }));
      $('hint').addEventListener('click', () => action($('hint'), 'hint'));
      $('next').addEventListener('click', () => action($('next'), 'next'));
      function answer() { action($('answer-button'), 'answer', { text: $('answer').value }); }
      $('answer-button').addEventListener('click', answer);
      $('answer').addEventListener('keydown', (e) => { if (e.key === 'Enter') answer(); });
      $('check').addEventListener('click', () => {
        message('Checking…');
        action($('check'), 'check', null, (r) => {
          const nodes = [line('step', 'Step: ' + r.step)];
          for (const c of r.checks) {
            nodes.push(line('check ' + (c.passed ? 'pass' : 'fail'), (c.passed ? '✓ PASS  ' : '✗ FAIL  ') + c.label));
            if (!c.passed) nodes.push(line('check fail', '      expected ' + c.expected + ', actual ' + c.actual));
          }
          nodes.push(line('verdict ' + (r.passed ? 'pass' : 'fail'), r.passed ? 'Passed.' : 'Not yet.'));
          if (r.hint) nodes.push(line('hint', r.hint));
          if (r.next) nodes.push(line('next', 'Next, step ' + r.next.number + '/' + r.next.count + ': ' + r.next.title));
          if (r.finished) nodes.push(line('next', 'That was the last step: you have finished this lesson.'));
          showResult(nodes);
          $('watch').hidden = true;
          if (r.passed) $('answer').value = '';
        });
      });

      // The console: xterm.js over a WebSocket to the guest's serial console.
      function connectConsole() {
        if (socket || typeof Terminal === 'undefined') return;
        if (!term) {
          term = new Terminal({ cursorBlink: true, fontSize: 13, scrollback: 2000 });
          term.open($('terminal'));
          window.qlearnTerminal = term;  // for the browser test, which reads the screen through it
          term.on('data', (data) => { if (socket && socket.readyState === 1) socket.send(new TextEncoder().encode(data)); });
          window.addEventListener('resize', fit);
        }
        const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws/lesson/' + encodeURIComponent(lesson) + '/console';
        socket = new WebSocket(url);
        socket.binaryType = 'arraybuffer';
        text($('console-status'), 'connecting…');
        socket.onopen = () => { text($('console-status'), 'connected'); fit(); term.focus(); startWatching(); };
        socket.onmessage = (event) => {
          if (typeof event.data === 'string') term.write(event.data);
          else term.write(new TextDecoder().decode(new Uint8Array(event.data), { stream: true }));
        };
        socket.onclose = (event) => {
          socket = null; stopWatching();
          text($('console-status'), 'disconnected' + (event.reason ? ': ' + event.reason : ''));
        };
      }

      function disconnectConsole() { if (socket) socket.close(); socket = null; stopWatching(); }

      let lastSize = '';
      function fit() {
        if (!term) return;
        try { term.fit(); } catch (e) { /* not laid out yet */ }
        const size = term.cols + 'x' + term.rows;
        if (socket && socket.readyState === 1 && size !== lastSize) {
          lastSize = size;
          socket.send(JSON.stringify({ resize: [term.cols, term.rows] }));
        }
      }

      // Watch mode: while the console is open, the step is re-graded now and then (nothing recorded); a pass shows here.
      function startWatching() {
        stopWatching();
        watching = setInterval(async () => {
          if (!state || !state.running || !state.step) return;
          try {
            const w = await call('watch');
            if (w.passed && state.step && w.step === state.step.id) {
              text($('watch'), 'All checks of this step pass now. Press Check to record it and move on.');
              $('watch').hidden = false;
            }
          } catch (e) { /* the VM may be going away */ }
        }, 4000);
      }
      function stopWatching() { clearInterval(watching); watching = null; }

      // The monitor tab: HMP commands over QMP, as `qlearn monitor`.
      function showTab(which) {
        $('tab-console').classList.toggle('active', which === 'console');
        $('tab-monitor').classList.toggle('active', which === 'monitor');
        $('terminal').hidden = which !== 'console';
        $('monitor').hidden = which !== 'monitor';
        if (which === 'console') { fit(); if (term) term.focus(); } else $('monitor-input').focus();
      }
      $('tab-console').addEventListener('click', () => showTab('console'));
      $('tab-monitor').addEventListener('click', () => showTab('monitor'));
      $('monitor-input').addEventListener('keydown', async (e) => {
        if (e.key !== 'Enter') return;
        const input = $('monitor-input');
        const command = input.value.trim();
        if (!command) return;
        input.value = '';
        const out = $('monitor-output');
        out.append('(qemu) ' + command + '\n');
        try { const r = await call('monitor', 'POST', { command }); out.append(r.output); }
        catch (err) { out.append(err.message + '\n'); }
        out.scrollTop = out.scrollHeight;
      });

      refresh();
    })();
    """#
}
