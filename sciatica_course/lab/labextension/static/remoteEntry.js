/*
 * sciatica-course-lab: JupyterLab shows the course's citations and chapter links as the book does.
 *
 * jupyterlab-myst renders the notebooks' MyST, but it has no bibliography: a {cite} shows its key
 * with a "Citation Not Found" icon, and a {doc} link shows the target's file name and points at a
 * download. This extension rewrites those two things in the rendered page, from data the course's
 * server extension builds from the book's own sources (sciatica_course/lab/__init__.py):
 *   - a citation reads "(Cherkin et al., 2011)"; hovering or focusing it shows the full reference,
 *     and activating it (click, Enter or Space) opens the reference list at that entry;
 *   - a chapter link reads "Chapter 3: Anatomy of the sciatic nerve" and opens that notebook;
 *     the glossary link opens the glossary page and the references link the reference list.
 * It only changes text and attributes of the nodes jupyterlab-myst renders (never adds or removes
 * them), so React's own updates keep working; a MutationObserver re-applies it after each render.
 *
 * Plain JavaScript, no build step: this file is a module-federation container of the shape
 * JupyterLab loads (window._JUPYTERLAB[name] with init() and get()), exporting one plugin that
 * needs nothing from other packages. package.json next to this folder names it for JupyterLab.
 */
(function () {
  'use strict';
  var NAME = 'sciatica-course-lab';

  function config() {
    var el = document.getElementById('jupyter-config-data');
    try { return el ? JSON.parse(el.textContent) : {}; } catch (e) { return {}; }
  }

  function joinUrl(base, path) {
    return (base || '/').replace(/\/+$/, '') + '/' + path.replace(/^\/+/, '');
  }

  var STYLE = [
    '.sc-lab-cite { color: inherit !important; cursor: pointer; border-bottom: 1px dotted currentColor; }',
    '.sc-lab-cite svg { display: none !important; }',
    // The brackets and separators are in the citation text, as in the book: none from jupyterlab-myst's CSS.
    '.cite-group > .sc-lab-cite::after, .cite-group > .sc-lab-cite::before { content: none !important; }',
    '.cite-group:has(> .sc-lab-cite)::before, .cite-group:has(> .sc-lab-cite)::after { content: none !important; }',
    '.sc-lab-xref, .sc-lab-xref:hover { color: inherit !important; text-decoration: none !important; cursor: text; }',
    '.sc-lab-cite:focus-visible { outline: 2px solid var(--jp-brand-color1, #1976d2); outline-offset: 1px; }'
  ].join('\n');

  function activate(app) {
    var cfg = config();
    var base = cfg.baseUrl || '/';
    var data = null;
    var scheduled = false;

    function referencesUrl(key) {
      return joinUrl(base, (data && data.referencesUrl) || 'sciatica-course/references') + (key ? '#' + encodeURIComponent(key) : '');
    }

    // Citations: a run of adjacent citation spans is one parenthetical citation, as in the book.
    function citeKey(span) {
      if (span.dataset.scKey) { return span.dataset.scKey; }
      var key = (span.textContent || '').trim();
      return data.citations[key] ? key : null;
    }
    function isCite(node) {
      return node && node.nodeType === 1 && node.tagName === 'SPAN' &&
        (node.dataset.scKey || node.getAttribute('title') === 'Citation Not Found');
    }
    function textNode(span) {
      for (var n = span.lastChild; n; n = n.previousSibling) {
        if (n.nodeType === 3) { return n; }
      }
      return null;
    }
    function patchCite(span) {
      var key = citeKey(span);
      if (!key) { return; }
      var entry = data.citations[key];
      var first = !isCite(span.previousSibling);
      var last = !isCite(span.nextSibling);
      var text = (first ? '(' : '; ') + entry.label + (last ? ')' : '');
      var node = textNode(span);
      if (node && node.nodeValue !== text) { node.nodeValue = text; }
      if (span.dataset.scKey !== key) {
        span.dataset.scKey = key;
        span.classList.add('sc-lab-cite');
        span.setAttribute('title', entry.full);
        span.setAttribute('role', 'link');
        span.setAttribute('tabindex', '0');
        span.setAttribute('aria-label', entry.label + ': ' + entry.full + ' (opens the reference list)');
      }
    }

    // Chapter, glossary and reference-list links rendered from {doc} roles.
    function docTarget(a) {
      if (a.dataset.scPath) { return { path: a.dataset.scPath, kind: a.dataset.scKind }; }
      var href = a.getAttribute('href') || '';
      var m = href.match(/\/files\/([^?#]*)/);
      if (!m) { return null; }
      var path = decodeURIComponent(m[1]).replace(/\/+$/, '');
      var stem = path.split('/').pop();
      if (data.chapters[stem] && !/\.\w+$/.test(path)) { return { path: path + '.ipynb', kind: 'chapter', stem: stem }; }
      if (/(^|\/)book\/glossary$/.test(path)) { return { path: path + '.md', kind: 'glossary' }; }
      if (/(^|\/)book\/references$/.test(path)) { return { path: path, kind: 'references' }; }
      return null;
    }
    function patchLink(a) {
      var t = docTarget(a);
      if (!t) { return; }
      if (!a.dataset.scPath) {
        a.dataset.scPath = t.path;
        a.dataset.scKind = t.kind;
      }
      var raw = (a.textContent || '').trim();
      // Only a link whose text is the bare target gets the title (as {doc} does in the book).
      if (t.stem && raw === t.stem) { a.textContent = data.chapters[t.stem]; }
      if (t.kind !== 'chapter' && /^(\.\.\/)*book\//.test(raw)) { a.textContent = data.pages[t.kind]; }
      var href = t.kind === 'references' ? referencesUrl() : joinUrl(base, 'lab/tree/' + t.path.split('/').map(encodeURIComponent).join('/'));
      if (a.getAttribute('href') !== href) { a.setAttribute('href', href); }
      if (t.kind === 'references') { a.setAttribute('target', '_blank'); a.setAttribute('rel', 'noopener'); }
    }

    function patchAll() {
      scheduled = false;
      if (!data) { return; }
      var roots = document.querySelectorAll('.jp-MarkdownCell .myst, .jp-MarkdownViewer .myst, .jp-RenderedMarkdown');
      for (var i = 0; i < roots.length; i++) {
        var spans = roots[i].querySelectorAll('span[title="Citation Not Found"], span[data-sc-key]');
        for (var j = 0; j < spans.length; j++) { patchCite(spans[j]); }
        var links = roots[i].querySelectorAll('a[href*="/files/"], a[data-sc-path]');
        for (var k = 0; k < links.length; k++) { patchLink(links[k]); }
        // A {term} or {ref} whose target is on another page (the glossary, a figure's label) is
        // left by jupyterlab-myst as a link to "#" that goes nowhere: show it as plain words.
        var dead = roots[i].querySelectorAll('a.hover-link[href="#"]');
        for (var d = 0; d < dead.length; d++) {
          dead[d].removeAttribute('href');
          dead[d].classList.add('sc-lab-xref');
        }
      }
    }
    function schedule() {
      if (!scheduled) { scheduled = true; window.requestAnimationFrame(patchAll); }
    }

    function open(target) {
      if (target.kind === 'references') { return false; }  // the link's own new-tab behaviour
      var args = { path: target.path };
      if (target.kind === 'glossary') { args.factory = 'Markdown Preview'; }
      app.commands.execute('docmanager:open', args);
      return true;
    }
    function openCitation(span) {
      window.open(referencesUrl(span.dataset.scKey), '_blank', 'noopener');
    }

    // Capture phase: our handling runs before jupyterlab-myst's own link handler on the anchor.
    document.addEventListener('click', function (ev) {
      if (!data || ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey) { return; }
      var el = ev.target && ev.target.closest ? ev.target.closest('.sc-lab-cite, a[data-sc-path]') : null;
      if (!el) { return; }
      if (el.classList.contains('sc-lab-cite')) {
        ev.preventDefault(); ev.stopPropagation(); openCitation(el); return;
      }
      if (open({ path: el.dataset.scPath, kind: el.dataset.scKind })) { ev.preventDefault(); }
      ev.stopPropagation();
    }, true);
    document.addEventListener('keydown', function (ev) {
      var el = ev.target;
      if (el && el.classList && el.classList.contains('sc-lab-cite') && (ev.key === 'Enter' || ev.key === ' ')) {
        ev.preventDefault(); ev.stopPropagation(); openCitation(el);
      }
    }, true);

    var style = document.createElement('style');
    style.id = 'sc-lab-style';
    style.textContent = STYLE;
    document.head.appendChild(style);

    var headers = cfg.token ? { Authorization: 'token ' + cfg.token } : {};
    fetch(joinUrl(base, 'sciatica-course/lab-data.json'), { credentials: 'same-origin', headers: headers })
      .then(function (r) {
        if (!r.ok) { throw new Error('HTTP ' + r.status); }
        return r.json();
      })
      .then(function (d) {
        data = d;
        // jupyterlab-myst resolves a link's address asynchronously after rendering it, so changed
        // addresses are watched too (our own changes leave nothing to redo: patching is idempotent).
        new MutationObserver(schedule).observe(document.body, {
          childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['href']
        });
        schedule();
      })
      .catch(function (err) {
        console.warn('sciatica-course-lab: no course data (is the sciatica_course server extension enabled?)', err);
      });
  }

  var plugin = {
    id: NAME + ':plugin',
    description: 'Shows the course citations and chapter links in JupyterLab as the book does.',
    autoStart: true,
    activate: activate
  };

  window._JUPYTERLAB = window._JUPYTERLAB || {};
  window._JUPYTERLAB[NAME] = {
    init: function () { return Promise.resolve(); },
    get: function (module) {
      if (module !== './extension') {
        return Promise.reject(new Error(NAME + ' has no module ' + module));
      }
      return Promise.resolve(function () { return { __esModule: true, default: [plugin] }; });
    }
  };
})();
