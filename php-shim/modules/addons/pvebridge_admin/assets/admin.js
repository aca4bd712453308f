// The addon pages (issue 12). The frame (pages/common.php) gives the page name, the JSON action
// and the strings (window.PVB_L, all from the language files); every gateway call goes through
// the addon's JSON action, which signs it with the logged-in admin. Plain DOM, no framework.
(function () {
  'use strict';
  var root = document.getElementById('pvb-admin');
  if (!root) return;
  var cfg = JSON.parse(root.getAttribute('data-config'));
  var L = window.PVB_L || {};
  function t(key, args) {
    var s = L[key] || key;
    Object.keys(args || {}).forEach(function (k) {
      s = s.split(':' + k).join(String(args[k]));
    });
    return s;
  }
  function el(tag, attrs) {
    var n = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === undefined || v === null || v === false) return;
      if (k === 'text') n.textContent = v;
      else if (k.slice(0, 2) === 'on') n.addEventListener(k.slice(2), v);
      else n.setAttribute(k, v === true ? '' : v);
    });
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined || c === false) continue;
      (Array.isArray(c) ? c : [c]).forEach(function (x) {
        n.appendChild(typeof x === 'string' || typeof x === 'number' ? document.createTextNode(String(x)) : x);
      });
    }
    return n;
  }
  function api(method, path, query, body) {
    var f = new URLSearchParams();
    f.set('token', cfg.token);
    f.set('method', method);
    f.set('path', path);
    f.set('query', JSON.stringify(query || {}));
    if (body !== undefined) f.set('body', JSON.stringify(body));
    return fetch(cfg.endpoint, { method: 'POST', body: f, credentials: 'same-origin' }).then(function (r) {
      return r.json().catch(function () {
        return { ok: false, error: { message: 'HTTP ' + r.status } };
      });
    });
  }
  var status = el('div', { role: 'status', 'aria-live': 'polite', class: 'pvb-status' });
  var alertBox = el('div', { role: 'alert', class: 'pvb-alert' });
  function fail(r) {
    alertBox.className = 'alert alert-danger pvb-alert';
    alertBox.textContent = t('pages.common.failed', { message: (r.error && r.error.message) || '?' });
  }
  function clearAlert() {
    alertBox.className = 'pvb-alert';
    alertBox.textContent = '';
  }
  function table(headers, rows, label) {
    return el(
      'table',
      { class: 'table table-condensed pvb-table', 'aria-label': label },
      el('thead', {}, el('tr', {}, headers.map(function (h) {
        return el('th', { scope: 'col', text: h });
      }))),
      el('tbody', {}, rows),
    );
  }
  function modal(title, content) {
    var d = el('dialog', { class: 'pvb-modal', 'aria-label': title });
    var close = el('button', { type: 'button', class: 'btn btn-default', text: t('pages.common.close'), onclick: function () {
      d.close();
      d.remove();
    } });
    d.appendChild(el('h3', { text: title }));
    d.appendChild(content);
    d.appendChild(close);
    document.body.appendChild(d);
    d.showModal();
    return d;
  }
  function when(ms) {
    return ms ? new Date(ms).toISOString().replace('T', ' ').slice(0, 19) : '—';
  }
  function serviceLink(sid, clientId) {
    return el('a', { href: 'clientsservices.php?userid=' + (clientId || '') + '&id=' + sid, text: '#' + sid });
  }
  function pageLink(action, query) {
    var q = Object.keys(query || {}).map(function (k) {
      return '&' + encodeURIComponent(k) + '=' + encodeURIComponent(query[k]);
    }).join('');
    return cfg.link + '&action=' + action + q;
  }
  var params = new URLSearchParams(location.search);
  function start(draw) {
    root.textContent = '';
    root.appendChild(alertBox);
    root.appendChild(status);
    draw();
  }

  // ----- Dashboard -----
  function dashboard() {
    api('GET', '/v1/admin/dashboard').then(function (r) {
      if (!r.ok) return fail(r);
      var d = r.data;
      var card = function (title, body) {
        return el('section', { class: 'panel panel-default pvb-card', 'aria-label': title }, el('h3', { class: 'panel-heading', text: title }), el('div', { class: 'panel-body' }, body));
      };
      root.appendChild(card(t('pages.dash.vms'), el('ul', {}, Object.keys(d.vms.byState).map(function (s) {
        return el('li', {}, el('a', { href: pageLink('vms', { state: s }), text: s + ': ' + d.vms.byState[s] }));
      }))));
      root.appendChild(card(t('pages.dash.servers'), el('ul', {}, d.servers.map(function (s) {
        var h = s.reachable === null ? t('pages.dash.unknown') : s.reachable ? t('pages.dash.reachable', { ms: s.latencyMs }) : t('pages.dash.unreachable');
        return el('li', {}, el('a', { href: pageLink('vms', { serverId: s.id }), text: s.name + ' — ' + h }));
      }))));
      root.appendChild(card(t('pages.nav.pools'), el('ul', {}, d.pools.map(function (p) {
        return el('li', {}, el('a', { href: pageLink('pools'), text: p.range + ' ' + t('pages.pools.usage', { used: p.allocated, size: p.size }) }));
      }))));
      root.appendChild(card(t('pages.dash.failing'), el('a', { href: pageLink('vms', { failing: 1 }), text: String(d.failing.count) })));
      var cronText = d.cron.failing.length || d.cron.staleLocks.length || d.cron.overdue.length ? d.cron.failing.concat(d.cron.staleLocks, d.cron.overdue).join(', ') : t('pages.dash.cron_ok');
      root.appendChild(card(t('pages.nav.cron'), el('a', { href: pageLink('cron'), text: cronText })));
      root.appendChild(card(t('pages.dash.errors'), el('ul', {}, d.recentErrors.map(function (e) {
        return el('li', {}, el('a', { href: pageLink('audit', { action: e.action }), text: when(e.at) + ' ' + e.action + ' ' + (e.error || '') }));
      }))));
    });
  }

  // ----- IP pools -----
  var POOL_FIELDS = [
    ['serverId', 'pages.pools.server'], ['type', 'pages.pools.type'], ['bridge', 'pages.pools.bridge'], ['vlan', 'pages.pools.vlan'],
    ['cidr', 'pages.pools.cidr'], ['start', 'pages.pools.start'], ['stop', 'pages.pools.stop'], ['mask', 'pages.pools.mask'],
    ['gateway', 'pages.pools.gateway'], ['dns1', 'pages.pools.dns'], ['dns2', 'pages.pools.dns'], ['exclusions', 'pages.pools.exclusions'],
  ];
  function pools() {
    Promise.all([api('GET', '/v1/admin/ip-pools'), api('GET', '/v1/admin/dashboard')]).then(function (rs) {
      if (!rs[0].ok) return fail(rs[0]);
      var servers = rs[1].ok ? rs[1].data.servers : [];
      var editing = null;
      var inputs = {};
      var errs = {};
      var form = el('form', { class: 'pvb-form', 'aria-label': t('pages.pools.add') });
      POOL_FIELDS.forEach(function (f, i) {
        var id = 'pvb-pool-' + f[0];
        var input;
        if (f[0] === 'serverId') input = el('select', { id: id }, servers.map(function (s) {
          return el('option', { value: s.id, text: s.name });
        }));
        else if (f[0] === 'type') input = el('select', { id: id }, el('option', { value: 'ipv4', text: 'IPv4' }), el('option', { value: 'ipv6', text: 'IPv6' }));
        else input = el('input', { id: id, type: 'text', 'aria-describedby': id + '-err' });
        inputs[f[0]] = input;
        errs[f[0]] = el('span', { id: id + '-err', class: 'pvb-field-error text-danger' });
        var label = t(f[1]) + (f[0] === 'dns2' ? ' 2' : f[0] === 'dns1' ? ' 1' : '');
        form.appendChild(el('div', { class: 'form-group' }, el('label', { for: id, text: label }), input, errs[f[0]]));
        if (i === 3) form.appendChild(el('br'));
      });
      var hint = el('p', { class: 'pvb-hint' });
      form.appendChild(hint);
      form.appendChild(el('button', { type: 'submit', class: 'btn btn-primary', text: t('pages.common.save') }));
      form.addEventListener('submit', function (ev) {
        ev.preventDefault();
        clearAlert();
        Object.keys(errs).forEach(function (k) {
          errs[k].textContent = '';
        });
        var body = {};
        Object.keys(inputs).forEach(function (k) {
          var v = inputs[k].value.trim();
          if (v !== '' || (editing && k !== 'cidr')) body[k] = k === 'serverId' || k === 'vlan' || k === 'mask' ? (v === '' ? undefined : Number(v)) : v;
        });
        if (!body.cidr) delete body.cidr;
        var call = editing ? api('PATCH', '/v1/admin/ip-pools/' + editing, {}, body) : api('POST', '/v1/admin/ip-pools', {}, body);
        call.then(function (r) {
          if (!r.ok) {
            fail(r);
            Object.keys(r.error.fields || {}).forEach(function (k) {
              if (errs[k]) errs[k].textContent = r.error.fields[k];
            });
            return;
          }
          status.textContent = t('pages.common.save') + ' ✓';
          start(pools);
        });
      });
      root.appendChild(el('h2', { text: t('pages.pools.add') }));
      root.appendChild(form);
      var rows = rs[0].data.pools.map(function (p) {
        var rz = p.reverseZone.zone || t(p.reverseZone.notice === 'classless_delegation' ? 'pages.pools.classless' : 'pages.pools.nibble');
        var usage = t('pages.pools.usage', { used: p.allocated, size: p.size });
        return el('tr', {},
          el('td', { text: p.id }), el('td', { text: p.serverName || p.serverId }), el('td', { text: p.type }), el('td', { text: p.bridge }), el('td', { text: p.vlan }),
          el('td', { text: p.gateway }), el('td', { text: '/' + p.mask }),
          el('td', {}, el('div', { text: p.start + ' – ' + p.stop }), el('small', { class: 'pvb-rdns', text: t('pages.pools.rdns') + ': ' + rz })),
          el('td', {}, el('progress', { max: 100, value: p.usagePercent, 'aria-label': usage }), el('small', { text: usage })),
          el('td', {},
            el('button', { type: 'button', class: 'btn btn-xs btn-default', 'aria-label': t('pages.common.edit') + ' #' + p.id, text: t('pages.common.edit'), onclick: function () {
              editing = p.id;
              var vals = { serverId: p.serverId, type: p.type, bridge: p.bridge, vlan: p.vlan, start: p.start, stop: p.stop, mask: p.mask, gateway: p.gateway, dns1: p.dns[0] || '', dns2: p.dns[1] || '', exclusions: p.exclusions.join(', '), cidr: '' };
              Object.keys(vals).forEach(function (k) {
                inputs[k].value = vals[k];
              });
              hint.textContent = t('pages.common.edit') + ' #' + p.id;
              inputs.bridge.focus();
            } }),
            el('button', { type: 'button', class: 'btn btn-xs btn-danger', 'aria-label': t('pages.common.delete') + ' #' + p.id, text: t('pages.common.delete'), onclick: function () {
              if (!window.confirm(t('pages.pools.confirm_delete', { id: p.id }))) return;
              api('DELETE', '/v1/admin/ip-pools/' + p.id).then(function (r) {
                if (!r.ok) return fail(r);
                start(pools);
              });
            } }),
            el('button', { type: 'button', class: 'btn btn-xs btn-default', 'aria-label': t('pages.pools.addresses') + ' #' + p.id, text: t('pages.pools.addresses'), onclick: function () {
              addresses(p);
            } })));
      });
      root.appendChild(table(['ID', t('pages.pools.server'), t('pages.pools.type'), t('pages.pools.bridge'), t('pages.pools.vlan'), t('pages.pools.gateway'), t('pages.pools.mask'), t('pages.pools.addresses'), '%', t('pages.vms.actions')], rows, t('pages.nav.pools')));
    });
  }
  function addresses(p) {
    api('GET', '/v1/admin/ip-pools/' + p.id + '/addresses', { limit: 256 }).then(function (r) {
      if (!r.ok) return fail(r);
      var rows = r.data.addresses.map(function (a) {
        return el('tr', {}, el('td', { text: a.address }), el('td', { text: t('pages.pools.status.' + a.status) }), el('td', {}, a.serviceId ? serviceLink(a.serviceId, a.clientId) : ''));
      });
      modal(t('pages.pools.addresses') + ' #' + p.id, table([t('pages.pools.addresses'), t('pages.vms.state'), t('pages.vms.service')], rows, t('pages.pools.addresses')));
    });
  }

  // ----- VM Management -----
  var STATES = ['creation', 'set_ip', 'clone', 'set_dns', 'migrated', 'set_cpu_ram', 'set_system_disk_size', 'set_system_disk_bandwidth', 'set_created_additional_disk', 'set_additional_disk_size', 'set_additional_disk_bandwidth', 'set_network', 'set_firewall', 'set_cloudinit', 'starting', 'ready', 'change_package', 'reinstall', 'set_dns_records', 'terminate', 'error_terminate', 'remove'];
  var RESET = ['ready', 'creation', 'set_ip', 'change_package', 'set_dns_records', 'terminate', 'remove'];
  function vms() {
    var q = { state: params.get('state') || '', serviceStatus: params.get('serviceStatus') || '', q: params.get('q') || '', serverId: params.get('serverId') || '', failing: params.get('failing') || '' };
    try {
      var saved = JSON.parse(localStorage.getItem('pvb.vms.filters') || '{}');
      if (!params.get('state') && !params.get('serverId') && !params.get('failing')) Object.assign(q, { state: saved.state || '', serviceStatus: saved.serviceStatus || '' });
    } catch (e) {
      /* no saved filters */
    }
    var stateSel = el('select', { id: 'pvb-f-state' }, el('option', { value: '', text: t('pages.vms.any') }), STATES.map(function (s) {
      return el('option', { value: s, text: s, selected: s === q.state });
    }));
    var svcSel = el('select', { id: 'pvb-f-svc' }, el('option', { value: '', text: t('pages.vms.any') }), ['Active', 'Suspended', 'Terminated', 'Cancelled', 'Pending'].map(function (s) {
      return el('option', { value: s, text: s, selected: s === q.serviceStatus });
    }));
    var search = el('input', { id: 'pvb-f-q', type: 'search', value: q.q });
    var body = el('tbody');
    var more = el('button', { type: 'button', class: 'btn btn-default', text: t('pages.common.more'), hidden: true });
    var cursor = null;
    function load(append) {
      q.state = stateSel.value;
      q.serviceStatus = svcSel.value;
      q.q = search.value.trim();
      localStorage.setItem('pvb.vms.filters', JSON.stringify({ state: q.state, serviceStatus: q.serviceStatus }));
      var query = Object.assign({ limit: 50 }, q);
      if (append && cursor) query.cursor = cursor;
      api('GET', '/v1/admin/vms', query).then(function (r) {
        if (!r.ok) return fail(r);
        if (!append) body.textContent = '';
        r.data.vms.forEach(function (v) {
          body.appendChild(vmRow(v));
        });
        cursor = r.data.nextCursor;
        more.hidden = !cursor;
        if (r.data.total !== null) status.textContent = String(r.data.total);
      });
    }
    more.addEventListener('click', function () {
      load(true);
    });
    var form = el('form', { class: 'form-inline pvb-filters', role: 'search', onsubmit: function (e) {
      e.preventDefault();
      load(false);
    } },
      el('label', { for: 'pvb-f-state', text: t('pages.vms.state') }), stateSel,
      el('label', { for: 'pvb-f-svc', text: t('pages.vms.service_status') }), svcSel,
      el('label', { for: 'pvb-f-q', text: t('pages.vms.search') }), search,
      el('button', { type: 'submit', class: 'btn btn-primary', text: t('pages.vms.search').split(' (')[0] }));
    stateSel.addEventListener('change', function () {
      load(false);
    });
    svcSel.addEventListener('change', function () {
      load(false);
    });
    root.appendChild(form);
    var tbl = table([t('pages.vms.service'), t('pages.vms.client'), t('pages.pools.server'), t('pages.vms.vm'), t('pages.vms.state'), t('pages.vms.service_status'), t('pages.vms.ips'), t('pages.vms.actions')], [], t('pages.nav.vms'));
    tbl.replaceChild(body, tbl.querySelector('tbody'));
    root.appendChild(tbl);
    root.appendChild(more);
    load(false);
  }
  function vmRow(v) {
    var sid = v.serviceId;
    var btn = function (key, cls, fn) {
      return el('button', { type: 'button', class: 'btn btn-xs ' + cls, 'aria-label': t(key) + ' #' + sid, text: t(key), onclick: fn });
    };
    var after = function (r) {
      if (!r.ok) return fail(r);
      clearAlert();
      start(vms);
    };
    return el('tr', { 'data-service': sid },
      el('td', {}, serviceLink(sid, v.clientId), ' ', el('a', { href: 'clientsservices.php?userid=' + v.clientId + '&id=' + sid, 'aria-label': t('pages.vms.open_service') + ' #' + sid, text: '↗' })),
      el('td', { text: v.clientName || v.clientId }), el('td', { text: v.serverName || v.serverId }),
      el('td', { text: (v.vmid || '—') + (v.node ? ' @' + v.node : '') + (v.vmName ? ' ' + v.vmName : '') }),
      el('td', {}, el('span', { class: 'label pvb-state pvb-state-' + v.state, text: v.state })),
      el('td', { text: v.serviceStatus || '' }),
      el('td', {}, v.ips.map(function (i) {
        return el('div', { text: i.address });
      })),
      el('td', {},
        v.actions.redeploy ? btn('pages.vms.redeploy', 'btn-danger', function () {
          if (window.confirm(t('pages.vms.confirm_redeploy', { vmid: v.vmid || '—' }))) api('POST', '/v1/admin/vms/' + sid + '/redeploy', {}, {}).then(after);
        }) : null,
        btn('pages.vms.reset', 'btn-warning', function () {
          var sel = el('select', { id: 'pvb-reset-state' }, RESET.map(function (s) {
            return el('option', { value: s, text: s });
          }));
          var d = modal(t('pages.vms.reset') + ' #' + sid, el('form', { onsubmit: function (e) {
            e.preventDefault();
            api('POST', '/v1/admin/vms/' + sid + '/reset', {}, { state: sel.value }).then(function (r) {
              d.close();
              d.remove();
              after(r);
            });
          } }, el('label', { for: 'pvb-reset-state', text: t('pages.vms.reset_to') }), sel, el('button', { type: 'submit', class: 'btn btn-warning', text: t('pages.common.confirm') })));
        }),
        btn('pages.vms.log', 'btn-info', function () {
          vmLog(sid);
        }),
        btn('pages.vms.record', 'btn-default', function () {
          api('GET', '/v1/admin/vms/' + sid).then(function (r) {
            if (!r.ok) return fail(r);
            modal(t('pages.vms.record') + ' #' + sid, el('pre', { class: 'pvb-record', text: JSON.stringify(r.data, null, 2) }));
          });
        }),
        v.actions.deleteRecord ? btn('pages.vms.delete_record', 'btn-danger', function () {
          if (window.confirm(t('pages.vms.confirm_delete', { sid: sid }))) api('POST', '/v1/admin/vms/' + sid + '/delete-record', {}, {}).then(after);
        }) : null));
  }
  function vmLog(sid) {
    var box = el('div', { class: 'pvb-log' });
    var d = modal(t('pages.vms.log') + ' #' + sid, box);
    var timer = null;
    function draw() {
      api('GET', '/v1/admin/vms/' + sid + '/log').then(function (r) {
        if (!r.ok) return fail(r);
        box.textContent = '';
        if (r.data.lastFailure) box.appendChild(el('div', { class: 'alert alert-danger', role: 'alert', text: r.data.lastFailure.action + ': ' + (r.data.lastFailure.error || r.data.lastFailure.result) }));
        r.data.runs.forEach(function (run) {
          box.appendChild(el('h4', { text: run.action + ' — ' + run.result + ' (' + when(run.startedAt) + ')' }));
          box.appendChild(table([t('pages.vms.step'), '→', t('pages.vms.result'), t('pages.vms.duration'), t('pages.audit.time')], run.steps.map(function (s) {
            return el('tr', {}, el('td', { text: s.label }), el('td', { text: s.from + ' → ' + s.to }), el('td', { text: s.result + (s.message ? ': ' + s.message : '') }), el('td', { text: (s.durationMs / 1000).toFixed(2) }), el('td', { text: when(s.at) }));
          }), t('pages.vms.log') + ' ' + run.action + ' ' + run.id));
        });
        var live = r.data.runs.some(function (run) {
          return run.result === 'running';
        }) || (r.data.vm.state !== 'ready' && r.data.vm.state !== 'remove' && r.data.vm.state !== 'error_terminate');
        if (live && d.open) timer = setTimeout(draw, 2000);
      });
    }
    d.addEventListener('close', function () {
      clearTimeout(timer);
    });
    draw();
  }

  // ----- Settings -----
  function settings() {
    api('GET', '/v1/admin/settings').then(function (r) {
      if (!r.ok) return fail(r);
      var s = r.data.settings;
      var inputs = {};
      var errs = {};
      var form = el('form', { class: 'pvb-form', 'aria-label': t('pages.nav.settings') });
      [['general', 'General'], ['cron', 'Cron']].forEach(function (g) {
        var fs = el('fieldset', {}, el('legend', { text: t('pages.nav.settings') + ' — ' + g[1] }));
        r.data.groups[g[0]].forEach(function (k) {
          var id = 'pvb-s-' + k.replace(/\W/g, '_');
          var input = typeof s[k] === 'boolean' ? el('input', { id: id, type: 'checkbox', checked: s[k] }) : el('input', { id: id, type: 'text', value: s[k], 'aria-describedby': id + '-err' });
          inputs[k] = input;
          errs[k] = el('span', { id: id + '-err', class: 'pvb-field-error text-danger' });
          fs.appendChild(el('div', { class: 'form-group' }, el('label', { for: id, text: k }), input, errs[k]));
        });
        form.appendChild(fs);
      });
      form.appendChild(el('button', { type: 'submit', class: 'btn btn-primary', text: t('pages.common.save') }));
      form.addEventListener('submit', function (e) {
        e.preventDefault();
        clearAlert();
        var patch = {};
        Object.keys(inputs).forEach(function (k) {
          var v = inputs[k].type === 'checkbox' ? inputs[k].checked : inputs[k].value.trim();
          if (String(v) !== String(s[k])) patch[k] = v;
          errs[k].textContent = '';
        });
        if (!Object.keys(patch).length) return;
        api('PATCH', '/v1/admin/settings', {}, patch).then(function (r2) {
          if (!r2.ok) {
            fail(r2);
            Object.keys(r2.error.fields || {}).forEach(function (k) {
              if (errs[k]) errs[k].textContent = r2.error.fields[k];
            });
            return;
          }
          s = r2.data.settings;
          status.textContent = t('pages.common.save') + ' ✓';
        });
      });
      root.appendChild(form);
    });
  }

  // ----- Scheduled tasks -----
  function cron() {
    api('GET', '/v1/admin/cron').then(function (r) {
      if (!r.ok) return fail(r);
      root.appendChild(el('button', { type: 'button', class: 'btn btn-warning', text: t('pages.cron.clear_locks'), onclick: function () {
        api('POST', '/v1/admin/cron/locks/clear', {}, {}).then(function (r2) {
          if (!r2.ok) return fail(r2);
          start(cron);
        });
      } }));
      var rows = r.data.tasks.map(function (task) {
        var lock = task.lock.locked ? (task.lock.holder || '?') + ' ' + Math.round((task.lock.ageMs || 0) / 1000) + 's' + (task.lock.stale ? ' (stale)' : '') : '—';
        var res = task.lastResult ? JSON.stringify(task.lastResult) : '—';
        return el('tr', {}, el('td', { title: task.description, text: task.name }), el('td', { text: task.intervalMinutes }), el('td', { text: when(task.lastStartedAt) }),
          el('td', { text: task.lastDurationMs === null ? '—' : (task.lastDurationMs / 1000).toFixed(1) }), el('td', { text: res }), el('td', { text: when(task.nextDueAt) }), el('td', { text: lock }),
          el('td', {}, el('button', { type: 'button', class: 'btn btn-xs btn-primary', 'aria-label': t('pages.cron.run_now') + ' ' + task.name, text: t('pages.cron.run_now'), onclick: function () {
            api('POST', '/v1/admin/cron/' + task.name + '/run', {}, {}).then(function (r2) {
              if (!r2.ok) return fail(r2);
              setTimeout(function () {
                start(cron);
              }, 1000);
            });
          } })));
      });
      root.appendChild(table([t('pages.cron.task'), t('pages.cron.interval'), t('pages.cron.last_run'), t('pages.vms.duration'), t('pages.vms.result'), t('pages.cron.next_due'), t('pages.cron.lock'), t('pages.vms.actions')], rows, t('pages.nav.cron')));
    });
  }

  // ----- Audit log -----
  function audit() {
    var f = { who: params.get('who') || '', action: params.get('action') || '', serviceId: params.get('serviceId') || '' };
    var inputs = {};
    var form = el('form', { class: 'form-inline', role: 'search' });
    [['who', 'pages.audit.actor'], ['action', 'pages.audit.action'], ['serviceId', 'pages.vms.service']].forEach(function (x) {
      inputs[x[0]] = el('input', { id: 'pvb-a-' + x[0], type: 'text', value: f[x[0]] });
      form.appendChild(el('label', { for: 'pvb-a-' + x[0], text: t(x[1]) }));
      form.appendChild(inputs[x[0]]);
    });
    form.appendChild(el('button', { type: 'submit', class: 'btn btn-primary', text: t('pages.vms.search').split(' (')[0] }));
    var body = el('tbody');
    var more = el('button', { type: 'button', class: 'btn btn-default', text: t('pages.common.more'), hidden: true });
    var cursor = null;
    function load(append) {
      var q = { limit: 100 };
      Object.keys(inputs).forEach(function (k) {
        if (inputs[k].value.trim()) q[k] = inputs[k].value.trim();
      });
      if (append && cursor) q.cursor = cursor;
      api('GET', '/v1/admin/audit', q).then(function (r) {
        if (!r.ok) return fail(r);
        if (!append) body.textContent = '';
        r.data.entries.forEach(function (e) {
          var who = e.actorType + (e.actorId ? ':' + e.actorId : '');
          body.appendChild(el('tr', {}, el('td', { text: when(e.at) }), el('td', { text: who }), el('td', { text: e.sourceIp }), el('td', { text: e.action }),
            el('td', {}, e.serviceId ? serviceLink(e.serviceId) : '', e.vmid ? ' VM ' + e.vmid : ''), el('td', { text: e.result }),
            el('td', {}, el('code', { text: e.summary ? JSON.stringify(e.summary) : '' }))));
        });
        cursor = r.data.nextCursor;
        more.hidden = !cursor;
      });
    }
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      load(false);
    });
    more.addEventListener('click', function () {
      load(true);
    });
    root.appendChild(form);
    var tbl = table([t('pages.audit.time'), t('pages.audit.actor'), t('pages.audit.ip'), t('pages.audit.action'), t('pages.audit.subject'), t('pages.vms.result'), t('pages.audit.summary')], [], t('pages.nav.audit'));
    tbl.replaceChild(body, tbl.querySelector('tbody'));
    root.appendChild(tbl);
    root.appendChild(more);
    load(false);
  }

  var pages = { index: dashboard, pools: pools, vms: vms, settings: settings, cron: cron, audit: audit };
  start(pages[cfg.page] || dashboard);
})();
