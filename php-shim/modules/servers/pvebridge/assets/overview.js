/*
 * pvebridge client overview: keeps templates/overview.tpl live. Polls the shim's JSON action
 * (clientarea.php?...&modop=custom&a=ClientApi, POST with the CSRF token, op "overview") every
 * few seconds and runs Start/Stop through op "command". It talks only to WHMCS, never to the
 * gateway. Every text comes from the page's language JSON (lang/<language>.php); formatting
 * matches lib/Overview.php. No dependencies (no jQuery, no CDN).
 */
(function () {
  'use strict';

  function json(root, cls) {
    var el = root.querySelector('script.' + cls);
    try {
      return el ? JSON.parse(el.textContent) : null;
    } catch (e) {
      return null;
    }
  }

  function fill(text, args) {
    return String(text).replace(/(^|[^A-Za-z0-9]):([a-z][a-zA-Z0-9_]*)/g, function (m, before, name) {
      return Object.prototype.hasOwnProperty.call(args || {}, name) ? before + args[name] : m;
    });
  }

  function bytes(n) {
    var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    var i = 0;
    while (n >= 1024 && i < units.length - 1) {
      n /= 1024;
      i++;
    }
    return (i === 0 ? String(Math.floor(n)) : n.toFixed(n < 10 ? 1 : 0)) + ' ' + units[i];
  }

  function Overview(root) {
    this.root = root;
    this.lang = json(root, 'pvebridge-lang') || {};
    this.data = json(root, 'pvebridge-data') || {};
    this.endpoint = root.getAttribute('data-endpoint');
    this.token = root.getAttribute('data-token') || '';
    this.pollMs = Math.max(2000, parseInt(root.getAttribute('data-poll-ms'), 10) || 5000);
    this.busy = false;
  }

  Overview.prototype.t = function (key, args) {
    return fill(Object.prototype.hasOwnProperty.call(this.lang, key) ? this.lang[key] : key, args);
  };

  Overview.prototype.set = function (field, text) {
    var el = this.root.querySelector('[data-field="' + field + '"]');
    if (el && el.textContent !== text) el.textContent = text;
  };

  Overview.prototype.notice = function (text) {
    var el = this.root.querySelector('[data-field="notice"]');
    if (!el) return;
    el.textContent = text || '';
    el.hidden = !text;
  };

  /** Writes one overview answer (the overview data contract) into the page. */
  Overview.prototype.render = function (v) {
    this.data = v;
    var num = function (x) {
      return typeof x === 'number' && isFinite(x) ? x : null;
    };
    var up = num(v.uptime);
    var cpu = num(v.cpu);
    var age = num(v.ageSeconds);
    this.set('state', this.t(v.stateKey || 'state.' + (v.state || 'none')));
    this.set('power', this.t('power.' + (v.power || 'unknown')));
    this.set('activity', v.activity && v.activity.key ? this.t(v.activity.key, v.activity.args) : this.t('activity.ready'));
    this.set(
      'uptime',
      up === null
        ? '—'
        : this.t('overview.uptime_value', { days: Math.floor(up / 86400), hours: Math.floor((up % 86400) / 3600), minutes: Math.floor((up % 3600) / 60) }),
    );
    this.set('cpu', cpu === null ? '—' : this.t('overview.cpu_value', { percent: Math.round(cpu * 100), cpus: num(v.cpus) || 0 }));
    this.set(
      'memory',
      num(v.mem) === null || num(v.maxmem) === null ? '—' : this.t('overview.memory_value', { used: bytes(v.mem), total: bytes(v.maxmem) }),
    );
    this.set('age', age === null ? this.t('overview.age_none') : this.t('overview.age_value', { seconds: Math.round(age) }));
    this.set('node', v.node ? String(v.node) : '—');
    this.set('vmid', v.vmid ? String(v.vmid) : '—');
    this.set('hostname', v.hostname ? String(v.hostname) : '');
    this.set('ips', v.ips && v.ips.length ? v.ips.join(' ') : '—');
    var vanished = this.root.querySelector('[data-field="vanished"]');
    if (vanished) vanished.hidden = !v.vanished;
    this.enableButtons();
  };

  /** A button works only when the VM is ready and in the power state it needs. */
  Overview.prototype.enableButtons = function () {
    var v = this.data;
    var buttons = this.root.querySelectorAll('button[data-fn]');
    for (var i = 0; i < buttons.length; i++) {
      var needs = buttons[i].getAttribute('data-needs');
      buttons[i].disabled = this.busy || !v.ready || !(needs === 'any' || needs === v.power);
    }
  };

  /** One POST to the shim's JSON action; resolves with {ok, data} or {ok: false, error: {key, message}}. */
  Overview.prototype.post = function (op, args) {
    var body = new URLSearchParams();
    body.set('token', this.token);
    body.set('op', op);
    body.set('args', JSON.stringify(args || {}));
    return fetch(this.endpoint, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: body.toString(),
    })
      .then(function (r) {
        return r.json();
      })
      .catch(function () {
        return { ok: false, error: { key: 'error.gateway_down' } };
      });
  };

  Overview.prototype.failure = function (answer) {
    var e = (answer && answer.error) || {};
    return e.message || this.t(e.key || 'error.internal', e.args);
  };

  Overview.prototype.poll = function () {
    var self = this;
    var next = function () {
      self.timer = setTimeout(function () {
        self.poll();
      }, self.pollMs);
    };
    if (document.hidden) return next();
    this.post('overview').then(function (answer) {
      if (answer && answer.ok) {
        self.render(answer.data);
        if (!self.busy) self.notice('');
      } else {
        self.notice(self.t('overview.refresh_failed') + ' ' + self.failure(answer));
      }
      next();
    });
  };

  /** Start/Stop through op "command"; the console button keeps its normal form submit. */
  Overview.prototype.command = function (event) {
    var button = event.submitter || (event.target && event.target.querySelector('button[data-fn]'));
    var fn = button && button.getAttribute('data-fn');
    if (!fn || fn === 'ClientConsole') return;
    event.preventDefault();
    var self = this;
    this.busy = true;
    this.enableButtons();
    this.post('command', { fn: fn }).then(function (answer) {
      self.busy = false;
      if (answer && answer.ok) {
        self.render(answer.data.overview);
        self.notice(self.t('overview.action_sent'));
      } else {
        self.enableButtons();
        self.notice(self.failure(answer));
      }
    });
  };

  Overview.prototype.start = function () {
    var self = this;
    var forms = this.root.querySelectorAll('form.pvebridge-action');
    for (var i = 0; i < forms.length; i++) {
      forms[i].addEventListener('submit', function (e) {
        self.command(e);
      });
    }
    this.timer = setTimeout(function () {
      self.poll();
    }, this.pollMs);
  };

  function boot() {
    var roots = document.querySelectorAll('.pvebridge-overview[data-endpoint]');
    for (var i = 0; i < roots.length; i++) {
      if (roots[i].getAttribute('data-live')) continue;
      roots[i].setAttribute('data-live', '1');
      new Overview(roots[i]).start();
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
  else boot();
})();
