/* The leaders' console page: reads /console/api/*, draws with ECharts (served by gridbot), and
 * keeps every word from the catalogue block the server put into the page. No inline script. */
(function () {
  'use strict';
  var T = JSON.parse(document.getElementById('console-texts').textContent);
  var tx = function (k) { return T['console.ui.' + k] || k; };
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute('content');
  var $ = function (id) { return document.getElementById(id); };
  var el = function (tag, text, cls) { var e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
  document.querySelectorAll('[data-text]').forEach(function (e) { e.textContent = tx(e.getAttribute('data-text')); });

  function get(path) {
    return fetch(path, { credentials: 'same-origin', headers: { accept: 'application/json' } }).then(function (r) {
      if (r.status === 401) { window.location.href = '/console'; throw new Error('signed out'); }
      return r.json();
    });
  }
  function post(path) {
    return fetch(path, { method: 'POST', credentials: 'same-origin', headers: { 'x-csrf-token': csrf } }).then(function (r) { return r.json(); });
  }

  var ranking = null, map = null, mapData = null;
  var STANDING_COLOURS = { open: '#e6a23c', solved: '#67c23a', returned: '#909399' };

  function drawOverview(data) {
    var box = $('figures'); box.textContent = '';
    var first = data.units[0];
    if (first) {
      var f = first.figures;
      var items = [['reported', f.reporting.reported], ['due', f.tasks.due], ['onTime', f.tasks.onTime], ['supervisions', f.supervisions], ['overdue', f.overdue], ['satisfaction', f.satisfaction.done + '/' + f.satisfaction.of]];
      items.forEach(function (it) { var d = el('div', undefined, 'figure'); d.appendChild(el('b', String(it[1]))); d.appendChild(el('span', tx('figures.' + it[0]))); box.appendChild(d); });
    }
    var rows = first ? first.ranking : [];
    ranking = ranking || echarts.init($('ranking-chart'));
    ranking.setOption({
      title: { text: data.period.label + ' ' + tx('ranking'), textStyle: { fontSize: 13 } },
      tooltip: { trigger: 'axis' },
      grid: { left: 110, right: 40, top: 30, bottom: 20 },
      xAxis: { type: 'value', max: 100 },
      yAxis: { type: 'category', inverse: true, data: rows.map(function (r) { return r.rank + '. ' + r.name; }) },
      series: [{ type: 'bar', data: rows.map(function (r) { return r.total; }), label: { show: true, position: 'right', formatter: function (p) { var t = rows[p.dataIndex].trend; return p.value + (t === null ? '' : ' (' + tx('trend') + (t >= 0 ? '+' : '') + t + ')'); } } }],
    }, true);
  }

  function drawMap() {
    if (!mapData) return;
    var category = $('category').value, heat = $('heat').checked, openOnly = $('open-only').checked;
    var events = mapData.events.filter(function (e) { return (!category || e.category === category) && (!openOnly || e.standing === 'open'); });
    $('map').setAttribute('data-events', events.map(function (e) { return e.number; }).join(' '));
    // No grid has a boundary yet: ECharts cannot draw an empty map, so say so instead.
    if (!mapData.boundaries || !mapData.boundaries.features || mapData.boundaries.features.length === 0) {
      if (map) { map.dispose(); map = null; }
      $('map').textContent = tx('noBoundaries');
      return;
    }
    if (!map) $('map').textContent = '';
    echarts.registerMap('grids', mapData.boundaries);
    map = map || echarts.init($('map'));
    var tiled = !!mapData.tiles;
    tileKey = '';
    if (!tiled) $('map').removeAttribute('data-tiles');
    var series = [], top = 5;
    if (heat) {
      // Unfiltered, the heat is the period's count per grid (every event, counted by the server); a filter draws the points shown.
      var cells = !category && !openOnly ? mapData.heat.map(function (g) { return [g.lng, g.lat, g.events]; }) : events.map(function (e) { return [e.lng, e.lat, 1]; });
      top = cells.reduce(function (m, c) { return Math.max(m, c[2]); }, 1);
      series.push({ id: 'heat', type: 'heatmap', coordinateSystem: 'geo', data: cells, pointSize: !category && !openOnly ? 24 : 12, blurSize: 18 });
    } else {
      series.push({ id: 'events', name: tx('points'), type: 'scatter', coordinateSystem: 'geo', symbolSize: function (v, p) { return p.data.urgency === 'urgent' || p.data.urgency === 'critical' ? 14 : 9; },
        data: events.map(function (e) { return { name: e.number, value: [e.lng, e.lat], number: e.number, urgency: e.urgency, symbol: e.approximate ? 'emptyCircle' : 'circle', itemStyle: { color: STANDING_COLOURS[e.standing] || '#409eff', borderColor: e.urgency === 'normal' ? (STANDING_COLOURS[e.standing] || '#409eff') : '#d03050', borderWidth: 2 } }; }) });
    }
    series.push({ id: 'outside', name: tx('outside'), type: 'scatter', coordinateSystem: 'geo', symbol: 'triangle', symbolSize: 10, itemStyle: { color: '#8e44ad' }, data: mapData.outsideChecks.map(function (c) { return { name: c.unit, value: [c.lng, c.lat] }; }) });
    map.setOption({
      tooltip: { trigger: 'item', formatter: function (p) { return p.name || ''; } },
      legend: { data: [tx('points'), tx('outside')], bottom: 0 },
      visualMap: heat ? { show: false, min: 0, max: Math.max(5, top || 0), calculable: false, inRange: { color: ['#ffffcc', '#fd8d3c', '#bd0026'] } } : undefined,
      geo: tiled
        ? { map: 'grids', roam: true, projection: { project: project, unproject: unproject }, label: { show: true, fontSize: 10 }, itemStyle: { areaColor: 'rgba(234,241,251,0.25)', borderColor: '#2f5fb3', borderWidth: 1.5 } }
        : { map: 'grids', roam: true, label: { show: true, fontSize: 10 }, itemStyle: { areaColor: '#eaf1fb', borderColor: '#5b8bd6' } },
      series: series,
    }, true);
    $('map').setAttribute('data-events', events.map(function (e) { return e.number; }).join(' '));
    map.off('click');
    map.on('click', function (p) { if (p.data && p.data.number) openItem(p.data.number); });
    map.off('georoam');
    if (tiled) {
      map.on('georoam', function () { setTimeout(drawTiles, 0); });
      drawTiles();
    }
  }

  // Base-map tiles (设置地图底图): Web Mercator in the 256-unit world of zoom 0, the geo projected
  // the same way, the visible tiles of the zoom nearest the view drawn under the boundaries.
  var TILE = 256, MAX_ZOOM = 18, MAX_TILES = 64, tileKey = '';
  var LIMIT = 85.0511287798;
  function project(p) {
    var lat = Math.max(-LIMIT, Math.min(LIMIT, p[1])) * Math.PI / 180;
    return [(p[0] + 180) / 360 * TILE, (1 - Math.log(Math.tan(lat) + 1 / Math.cos(lat)) / Math.PI) / 2 * TILE];
  }
  function unproject(p) {
    var n = Math.PI - 2 * Math.PI * p[1] / TILE;
    return [p[0] / TILE * 360 - 180, 180 / Math.PI * Math.atan(0.5 * (Math.exp(n) - Math.exp(-n)))];
  }
  function tileUrl(template, z, x, y) { return template.replace('{z}', z).replace('{x}', x).replace('{y}', y); }
  function drawTiles() {
    if (!map || !mapData || !mapData.tiles) return;
    var first = mapData.boundaries.features[0], ring = first.geometry.type === 'Polygon' ? first.geometry.coordinates[0] : first.geometry.coordinates[0][0];
    var a = ring[0], b = [a[0] + 0.01, a[1] + 0.01];
    var pa = map.convertToPixel('geo', a), pb = map.convertToPixel('geo', b);
    if (!pa || !pb) return;
    var wa = project(a), wb = project(b);
    var scale = (pb[0] - pa[0]) / (wb[0] - wa[0]), scaleY = (pb[1] - pa[1]) / (wb[1] - wa[1]);
    if (!isFinite(scale) || scale <= 0 || !isFinite(scaleY) || scaleY <= 0) return;
    var z = Math.max(0, Math.min(MAX_ZOOM, Math.round(Math.log(scale) / Math.LN2)));
    var n = Math.pow(2, z), size = TILE / n;
    var w = map.getWidth(), h = map.getHeight();
    var world = function (px, py) { return [wa[0] + (px - pa[0]) / scale, wa[1] + (py - pa[1]) / scaleY]; };
    var top = world(0, 0), bottom = world(w, h);
    var x0 = Math.max(0, Math.floor(top[0] / size)), x1 = Math.min(n - 1, Math.floor(bottom[0] / size));
    var y0 = Math.max(0, Math.floor(top[1] / size)), y1 = Math.min(n - 1, Math.floor(bottom[1] / size));
    var elements = [], shown = [];
    for (var y = y0; y <= y1; y++) for (var x = x0; x <= x1; x++) {
      if (elements.length >= MAX_TILES) break;
      var left = pa[0] + (x * size - wa[0]) * scale, upper = pa[1] + (y * size - wa[1]) * scaleY;
      var url = tileUrl(mapData.tiles, z, x, y);
      shown.push(z + '/' + x + '/' + y);
      elements.push({ type: 'image', id: 'tile-' + elements.length, silent: true, z: -10, style: { image: url, x: left, y: upper, width: size * scale + 0.5, height: size * scaleY + 0.5 } });
    }
    var key = shown.join(' ') + '@' + elements.map(function (e) { return Math.round(e.style.x) + ',' + Math.round(e.style.y) + ',' + Math.round(e.style.width); }).join(';');
    if (key === tileKey) return;
    tileKey = key;
    $('map').setAttribute('data-tiles', shown.join(' '));
    map.setOption({ graphic: elements }, { replaceMerge: ['graphic'] });
  }

  function drawMapData(data) {
    mapData = data;
    var select = $('category'), chosen = select.value;
    var categories = Array.from(new Set(data.events.map(function (e) { return e.category; }))).sort();
    select.textContent = '';
    select.appendChild(new Option(tx('allCategories'), ''));
    categories.forEach(function (c) { select.appendChild(new Option(c, c)); });
    select.value = categories.indexOf(chosen) >= 0 ? chosen : '';
    drawMap();
  }

  function rowList(id, list, line) {
    var ul = $(id), rows = list.rows; ul.textContent = '';
    ul.setAttribute('data-total', String(list.total));
    if (!rows.length) { ul.appendChild(el('li', tx('none'))); return; }
    if (list.total > rows.length) ul.appendChild(el('li', tx('shown').replace('{shown}', rows.length).replace('{total}', list.total), 'more'));
    rows.forEach(function (r) { var li = el('li', line(r)); li.setAttribute('data-number', r.number); li.addEventListener('click', function () { openItem(r.number); }); ul.appendChild(li); });
  }

  function drawQueues(q) {
    var table = $('by-level'); table.textContent = '';
    var head = el('tr'); head.appendChild(el('th', ''));
    ['lt1d', '1to3d', '3to7d', 'gt7d'].forEach(function (b) { head.appendChild(el('th', tx('age.' + b))); });
    table.appendChild(head);
    Object.keys(q.eventsByLevel).forEach(function (level) {
      var tr = el('tr'); tr.appendChild(el('th', tx('level.' + level)));
      ['lt1d', '1to3d', '3to7d', 'gt7d'].forEach(function (b) { tr.appendChild(el('td', String(q.eventsByLevel[level][b]))); });
      table.appendChild(tr);
    });
    var ev = function (r) { return r.number + ' ' + r.category + ' · ' + r.grid + ' · ' + tx('level.' + r.level) + ' · ' + tx('age.' + r.age); };
    var task = function (r) { return r.number + ' ' + r.title + ' · ' + r.unit + ' · ' + r.deadline.slice(0, 16).replace('T', ' '); };
    rowList('open-events', q.events, ev);
    rowList('overdue-tasks', q.overdueTasks, task);
    rowList('unsigned-tasks', q.unsignedTasks, task);
    rowList('supervised', q.supervised, ev);
    var notice = function (r) {
      return r.number + ' ' + r.title + ' · ' + tx('awaiting').replace('{awaiting}', r.awaiting).replace('{recipients}', r.recipients) +
        (r.deadline ? ' · ' + r.deadline.slice(0, 16).replace('T', ' ') + (r.overdue ? ' · ' + tx('overdue') : '') : '');
    };
    rowList('notices', q.notices, notice);
    if (q.daiban) rowList('daiban', q.daiban, function (r) { return r.number + ' ' + r.item + ' · ' + r.unit + ' ' + r.household + ' · ' + tx('daiban.' + r.state) + (r.deadline ? ' · ' + r.deadline.slice(0, 16).replace('T', ' ') : '') + (r.overdue ? ' · ' + tx('daiban.overdue') : ''); });
  }

  function openItem(number) {
    get('/console/api/items/' + encodeURIComponent(number)).then(function (item) {
      var dialog = $('item');
      $('item-title').textContent = item.error ? item.error : item.number + ' ' + item.title;
      var ol = $('item-timeline'); ol.textContent = '';
      (item.timeline || []).forEach(function (r) { ol.appendChild(el('li', r.at.slice(0, 16).replace('T', ' ') + ' ' + r.action + (r.note ? '：' + r.note : ''))); });
      var box = $('item-commands'); box.textContent = '';
      $('item-note').textContent = '';
      (item.commands || []).forEach(function (c) {
        var b = el('button', c); b.type = 'button'; b.setAttribute('data-command', c);
        b.addEventListener('click', function () { if (navigator.clipboard) navigator.clipboard.writeText(c).catch(function () {}); $('item-note').textContent = tx('copied') + '：' + c; });
        box.appendChild(b);
      });
      if (!dialog.open) dialog.showModal();
    });
  }

  function drawDownloads() {
    var box = $('download-buttons');
    Object.keys(T).filter(function (k) { return k.indexOf('console.ui.ledger.') === 0; }).map(function (k) { return k.slice('console.ui.ledger.'.length); }).forEach(function (kind) {
      var b = el('button', tx('ledger.' + kind)); b.type = 'button';
      b.addEventListener('click', function () {
        post('/console/api/downloads/' + kind).then(function (r) {
          var p = $('download-link'); p.textContent = '';
          if (r.url) { var a = el('a', decodeURIComponent(r.url.split('/').pop())); a.href = r.url; p.appendChild(a); }
        });
      });
      box.appendChild(b);
    });
  }

  function load() {
    return Promise.all([
      get('/console/api/overview').then(drawOverview),
      get('/console/api/map').then(drawMapData),
      get('/console/api/queues').then(drawQueues),
    ]).then(function () { document.body.setAttribute('data-loaded', String(Date.now())); });
  }

  $('category').addEventListener('change', drawMap);
  $('heat').addEventListener('change', drawMap);
  $('open-only').addEventListener('change', drawMap);
  $('item-close').addEventListener('click', function () { $('item').close(); });
  $('refresh').addEventListener('click', load);
  $('logout').addEventListener('click', function () { post('/console/logout').then(function () { window.location.href = '/console'; }); });
  window.addEventListener('resize', function () { if (ranking) ranking.resize(); if (map) { map.resize(); drawTiles(); } });
  drawDownloads();
  load();
  setInterval(load, 60000);
})();
