/*
 * The addon's DNS Zones page (pages/dns.php): lists the zones and adds, edits, deletes and tests
 * them through the addon's JSON action (which signs the call to /v1/admin/dns-zones as the
 * logged-in admin). Stored secrets are never shown: an empty secret field is sent as __KEEP__,
 * which keeps the stored value. Texts from the page's language JSON. No dependencies.
 */
(function () {
  'use strict';
  var FIELDS = { powerdns: ['url', 'apiKey'], cloudflare: ['apiToken'], hestiacp: ['url', 'user', 'accessKey', 'secretKey', 'adminPassword'] };
  var SECRETS = ['apiKey', 'apiToken', 'accessKey', 'secretKey', 'adminPassword'];

  function Page(root) {
    this.root = root;
    try {
      this.lang = JSON.parse(root.querySelector('script.pvebridge-lang').textContent);
    } catch (e) {
      this.lang = {};
    }
    this.form = root.querySelector('form');
  }
  Page.prototype.t = function (key, args) {
    var s = String(this.lang[key] || key);
    return s.replace(/:([a-z]+)/g, function (m, n) {
      return args && n in args ? args[n] : m;
    });
  };
  Page.prototype.api = function (method, path, body) {
    var p = new URLSearchParams();
    p.set('token', this.root.getAttribute('data-token'));
    p.set('method', method);
    p.set('path', path);
    if (body) p.set('body', JSON.stringify(body));
    return fetch(this.root.getAttribute('data-endpoint'), { method: 'POST', credentials: 'same-origin', body: p }).then(function (r) {
      return r.json();
    });
  };
  Page.prototype.notice = function (text) {
    var el = this.root.querySelector('.pvb-dns-notice');
    el.textContent = text || '';
    el.hidden = !text;
  };
  Page.prototype.error = function (r) {
    var f = (r.error && r.error.fields) || {};
    var detail = Object.keys(f).map(function (k) {
      return k + ': ' + f[k];
    });
    this.notice((r.error ? r.error.message : '') + (detail.length ? ' (' + detail.join('; ') + ')' : ''));
  };
  Page.prototype.showFields = function () {
    var type = this.form.elements.type.value;
    this.root.querySelectorAll('.pvb-dns-field').forEach(function (el) {
      var name = el.getAttribute('data-for');
      el.hidden = name !== 'name' && FIELDS[type].indexOf(name) < 0;
    });
  };
  Page.prototype.load = function () {
    var self = this;
    return this.api('GET', '/v1/admin/dns-zones').then(function (r) {
      if (!r.ok) return self.error(r);
      var tbody = self.root.querySelector('tbody');
      tbody.textContent = '';
      if (!r.data.zones.length) {
        var row = tbody.insertRow();
        var c = row.insertCell();
        c.colSpan = 4;
        c.textContent = self.t('dnszones.empty');
      }
      r.data.zones.forEach(function (z) {
        var row = tbody.insertRow();
        row.insertCell().textContent = z.id;
        row.insertCell().textContent = z.name;
        row.insertCell().textContent = z.type;
        var actions = row.insertCell();
        [['dnszones.test', 'test'], ['dnszones.edit', 'edit'], ['dnszones.delete', 'delete']].forEach(function (a) {
          var b = document.createElement('button');
          b.type = 'button';
          b.className = 'btn btn-default btn-sm';
          b.textContent = self.t(a[0]);
          b.setAttribute('aria-label', self.t(a[0]) + ' ' + z.name);
          b.addEventListener('click', self[a[1]].bind(self, z));
          actions.appendChild(b);
          actions.appendChild(document.createTextNode(' '));
        });
      });
    });
  };
  Page.prototype.test = function (z) {
    var self = this;
    this.api('POST', '/v1/admin/dns-zones/' + z.id + '/test').then(function (r) {
      if (!r.ok) return self.error(r);
      self.notice(r.data.ok ? self.t('dnszones.test_ok', { message: r.data.message }) : self.t('dnszones.test_fail', { problem: r.data.problem, message: r.data.message }));
    });
  };
  Page.prototype.edit = function (z) {
    var f = this.form.elements;
    f.id.value = z.id;
    f.name.value = z.name;
    f.type.value = z.type;
    f.url.value = z.settings.url || '';
    f.user.value = z.settings.user || '';
    var keep = this.t('dnszones.keep');
    SECRETS.forEach(function (k) {
      f[k].value = '';
      f[k].placeholder = z.secrets[k] ? keep : '';
    });
    this.root.querySelector('.pvb-dns-form-title').textContent = this.t('dnszones.edit') + ' ' + z.name;
    this.showFields();
  };
  Page.prototype.delete = function (z) {
    var self = this;
    this.api('DELETE', '/v1/admin/dns-zones/' + z.id).then(function (r) {
      if (!r.ok) return self.error(r);
      self.notice(self.t('dnszones.deleted'));
      self.load();
    });
  };
  Page.prototype.save = function (ev) {
    ev.preventDefault();
    var self = this;
    var f = this.form.elements;
    var type = f.type.value;
    var body = { name: f.name.value.trim(), type: type, settings: {}, secrets: {} };
    FIELDS[type].forEach(function (k) {
      var v = f[k].value.trim();
      if (SECRETS.indexOf(k) >= 0) {
        if (v) body.secrets[k] = v;
        else if (f.id.value && f[k].placeholder) body.secrets[k] = '__KEEP__';
      } else if (v) body.settings[k] = v;
    });
    var id = f.id.value;
    this.api(id ? 'PATCH' : 'POST', '/v1/admin/dns-zones' + (id ? '/' + id : ''), body).then(function (r) {
      if (!r.ok) return self.error(r);
      self.notice(self.t('dnszones.saved'));
      self.form.reset();
      f.id.value = '';
      SECRETS.forEach(function (k) {
        f[k].placeholder = '';
      });
      self.root.querySelector('.pvb-dns-form-title').textContent = self.t('dnszones.add');
      self.showFields();
      self.load();
    });
  };

  document.querySelectorAll('.pvebridge-dns-zones').forEach(function (root) {
    var page = new Page(root);
    page.form.addEventListener('submit', page.save.bind(page));
    page.form.elements.type.addEventListener('change', page.showFields.bind(page));
    page.showFields();
    page.load();
  });
})();
