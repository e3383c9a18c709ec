(function () {
  'use strict';
  // The exchanges are embedded once, as gzip-compressed JSON in base64,
  // and decoded in the background after the page is shown.
  var data = null, dataError = null, loading = null;
  function loadExchanges() {
    if (loading) { return loading; }
    var node = document.getElementById('exchange-data');
    loading = Promise.resolve().then(function () {
      var v = JSON.parse(node ? node.textContent : '[]');
      if (typeof v !== 'string') { return v; }
      if (typeof DecompressionStream === 'undefined') {
        throw new Error('this browser cannot decompress the embedded exchanges; open transcript.har or results.json instead');
      }
      var bin = atob(v), bytes = new Uint8Array(bin.length);
      for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
      var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
      return new Response(stream).text().then(JSON.parse);
    }).then(function (v) {
      data = v;
      document.documentElement.setAttribute('data-exchanges', String(Math.round(performance.now())));
      return v;
    }, function (e) {
      dataError = String(e && e.message || e);
      document.documentElement.setAttribute('data-exchanges', 'error');
      throw e;
    });
    return loading;
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }
  // Highlights pretty-printed JSON with spans; text only, never HTML.
  var tokenRE = /("(?:\\u[0-9a-fA-F]{4}|\\[^u]|[^\\"])*"(\s*:)?|\b(?:true|false|null)\b|-?\d+(?:\.\d+)?(?:[eE][+\-]?\d+)?)/g;
  function highlight(text, pre) {
    var last = 0, m;
    tokenRE.lastIndex = 0;
    while ((m = tokenRE.exec(text)) !== null) {
      if (m.index > last) { pre.appendChild(document.createTextNode(text.slice(last, m.index))); }
      var cls = 'j-num';
      if (m[0].charAt(0) === '"') { cls = m[2] ? 'j-key' : 'j-str'; } else if (/^[tfn]/.test(m[0])) { cls = 'j-lit'; }
      pre.appendChild(el('span', cls, m[0]));
      last = tokenRE.lastIndex;
    }
    if (last < text.length) { pre.appendChild(document.createTextNode(text.slice(last))); }
  }
  function bodyBlock(text) {
    if (!text) { return el('p', 'muted', '(no body)'); }
    var pre = el('pre', 'body');
    var t = text.trim(), pretty = null;
    if (t.charAt(0) === '{' || t.charAt(0) === '[') {
      try { pretty = JSON.stringify(JSON.parse(t), null, 2); } catch (e) { pretty = null; }
    }
    if (pretty !== null) { pre.classList.add('json'); highlight(pretty, pre); } else { pre.textContent = text; }
    return pre;
  }
  function headerBlock(first, headers) {
    var lines = [first];
    for (var i = 0; i < headers.length; i++) { lines.push(headers[i][0] + ': ' + headers[i][1]); }
    return el('pre', 'headers', lines.join('\n'));
  }
  function shellQuote(s) { return "'" + s.replace(/'/g, "'\\''") + "'"; }
  function curlOf(x) {
    var cmd = x.curl;
    if (x.rb) { cmd += ' \\\n  --data-raw ' + shellQuote(x.rb); }
    return cmd;
  }
  function copyText(text, button) {
    function done(ok) {
      button.textContent = ok ? 'Copied' : 'Copy failed: select the text below';
      setTimeout(function () { button.textContent = 'Copy as curl'; }, 2000);
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { fallback(); });
    } else { fallback(); }
    function fallback() {
      var ta = el('textarea');
      ta.value = text;
      button.parentNode.appendChild(ta);
      ta.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      if (ok) { ta.remove(); }
      done(ok);
    }
  }
  function renderExchange(d) {
    if (d.getAttribute('data-rendered')) { return; }
    if (data === null) {
      if (dataError === null) {
        loadExchanges().then(function () { renderExchange(d); }, function () { renderExchange(d); });
        return;
      }
      d.setAttribute('data-rendered', '1');
      d.appendChild(el('p', 'muted', '(exchange not available: ' + dataError + ')'));
      return;
    }
    d.setAttribute('data-rendered', '1');
    var x = data[+d.getAttribute('data-ex')];
    var box = el('div', 'exchange-body');
    if (!x) { box.appendChild(el('p', 'muted', '(exchange data missing)')); d.appendChild(box); return; }
    box.appendChild(el('h4', null, 'Request'));
    box.appendChild(headerBlock(x.m + ' ' + x.u, x.rh || []));
    box.appendChild(bodyBlock(x.rb));
    if (x.s) {
      box.appendChild(el('h4', null, 'Response ' + x.s + (x.st ? ' ' + x.st : '') + ' (' + x.d + ')'));
      box.appendChild(headerBlock('HTTP ' + x.s, x.sh || []));
      box.appendChild(bodyBlock(x.sb));
    } else {
      box.appendChild(el('h4', null, 'No response'));
      box.appendChild(el('pre', 'error', x.e || '(no error recorded)'));
    }
    if (x.t) { box.appendChild(el('p', 'muted', x.tn ? 'Cut: ' + x.tn + '.' : 'Bodies were truncated at capture.')); }
    var b = el('button', 'copy-curl', 'Copy as curl');
    b.type = 'button';
    b.title = 'The token is replaced by $SCIMCONFORM_TOKEN; set it in your shell first.';
    b.addEventListener('click', function () { copyText(curlOf(x), b); });
    box.appendChild(b);
    d.appendChild(box);
  }
  document.addEventListener('toggle', function (e) {
    var t = e.target;
    if (t && t.classList && t.classList.contains('exchange') && t.open) { renderExchange(t); }
  }, true);

  var list = document.getElementById('scenarios');
  var items = list ? list.querySelectorAll('.scenario') : [];
  var fStatus = document.getElementById('filter-status');
  var fArea = document.getElementById('filter-area');
  var fTier = document.getElementById('filter-tier');
  var fSearch = document.getElementById('search');
  var shown = document.getElementById('shown-count');
  function applyFilters() {
    var st = fStatus.value, ar = fArea.value, ti = fTier.value, q = fSearch.value.trim().toLowerCase();
    var n = 0;
    for (var i = 0; i < items.length; i++) {
      var s = items[i];
      var ok = (!st || s.getAttribute('data-status') === st) &&
        (!ar || (' ' + s.getAttribute('data-areas') + ' ').indexOf(' ' + ar + ' ') >= 0) &&
        (!ti || s.getAttribute('data-tier') === ti) &&
        (!q || s.getAttribute('data-search').indexOf(q) >= 0);
      s.hidden = !ok;
      if (ok) { n++; }
    }
    shown.textContent = n + ' of ' + items.length + ' scenarios shown';
  }
  [fStatus, fArea, fTier].forEach(function (c) { c.addEventListener('change', applyFilters); });
  fSearch.addEventListener('input', applyFilters);
  var cards = document.querySelectorAll('[data-filter-status]');
  for (var i = 0; i < cards.length; i++) {
    cards[i].addEventListener('click', function (e) {
      fStatus.value = e.currentTarget.getAttribute('data-filter-status');
      applyFilters();
      list.scrollIntoView();
    });
  }
  function setAll(open) {
    var ds = list.querySelectorAll('.scenario:not([hidden]) > details');
    for (var i = 0; i < ds.length; i++) { ds[i].open = open; }
  }
  document.getElementById('expand-all').addEventListener('click', function () { setAll(true); });
  document.getElementById('collapse-all').addEventListener('click', function () { setAll(false); });
  var before = null;
  window.addEventListener('beforeprint', function () {
    before = [];
    var ds = document.querySelectorAll('details');
    for (var i = 0; i < ds.length; i++) {
      if (!ds[i].open) { before.push(ds[i]); ds[i].open = true; }
      if (ds[i].classList.contains('exchange')) { renderExchange(ds[i]); }
    }
  });
  window.addEventListener('afterprint', function () {
    if (before) { before.forEach(function (d) { d.open = false; }); before = null; }
  });
  if (location.hash) {
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && target.classList.contains('scenario')) { target.querySelector('details').open = true; }
  }
  applyFilters();
  document.documentElement.setAttribute('data-ready', String(Math.round(performance.now())));
  // Decode now, so that printing (which cannot wait) finds the data ready.
  loadExchanges().catch(function () {});
})();
