/*
 * pvebridge Reverse DNS page: saves templates/reversedns.tpl through the shim's JSON action
 * (modop=custom&a=ClientApi, op "rdnsSave" with the CSRF token) and follows the live result
 * (op "rdns") until no address is still updating. Field errors from the gateway are shown next
 * to their address. Talks only to WHMCS; texts from the page's language JSON. No dependencies.
 */
(function () {
  'use strict';

  var HOST = /^(?=.{1,253}$)(?!-)[a-z0-9_-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$/;

  function Page(root) {
    this.root = root;
    var el = root.querySelector('script.pvebridge-lang');
    try {
      this.lang = el ? JSON.parse(el.textContent) : {};
    } catch (e) {
      this.lang = {};
    }
    this.endpoint = root.getAttribute('data-endpoint');
    this.token = root.getAttribute('data-token') || '';
  }

  Page.prototype.t = function (key, args) {
    var text = Object.prototype.hasOwnProperty.call(this.lang, key) ? this.lang[key] : key;
    return String(text).replace(/:([a-z][a-zA-Z0-9_]*)/g, function (m, name) {
      return args && Object.prototype.hasOwnProperty.call(args, name) ? args[name] : m;
    });
  };

  Page.prototype.call = function (op, args) {
    var body = new URLSearchParams();
    body.set('token', this.token);
    body.set('op', op);
    body.set('args', JSON.stringify(args || {}));
    return fetch(this.endpoint, { method: 'POST', credentials: 'same-origin', body: body }).then(function (r) {
      return r.json();
    });
  };

  Page.prototype.notice = function (text) {
    var el = this.root.querySelector('.pvebridge-rdns-notice');
    el.textContent = text || '';
    el.hidden = !text;
  };

  Page.prototype.show = function (view) {
    var self = this;
    var pending = false;
    (view.entries || []).forEach(function (e) {
      var row = self.root.querySelector('tr[data-ip="' + e.ip + '"]');
      if (!row) return;
      row.querySelector('[data-field="status"]').textContent = self.t('rdns.status_' + e.status);
      if (e.status === 'pending') pending = true;
    });
    if (pending) setTimeout(this.refresh.bind(this), 1500);
  };

  Page.prototype.refresh = function () {
    var self = this;
    this.call('rdns', {}).then(function (r) {
      if (r.ok) self.show(r.data);
    });
  };

  Page.prototype.submit = function (ev) {
    ev.preventDefault();
    var self = this;
    var entries = {};
    this.root.querySelectorAll('tbody input').forEach(function (input) {
      entries[input.name] = input.value.trim();
      input.removeAttribute('aria-invalid');
      document.getElementById(input.getAttribute('aria-describedby')).textContent = '';
    });
    // The same rule as the gateway's (a host name of two labels or more): refused here at once,
    // next to its field; the gateway checks again (and does the forward-confirmed lookup).
    var bad = false;
    this.root.querySelectorAll('tbody input').forEach(function (input) {
      var v = input.value.trim().toLowerCase().replace(/\.+$/, '');
      if (v && !(HOST.test(v) && v.indexOf('.') > 0)) {
        input.setAttribute('aria-invalid', 'true');
        document.getElementById(input.getAttribute('aria-describedby')).textContent = self.t('rdns.invalid');
        bad = true;
      }
    });
    if (bad) return;
    var verify = this.root.querySelector('#pvb-rdns-verify').checked;
    this.notice('');
    this.call('rdnsSave', { entries: entries, verify: verify }).then(function (r) {
      if (!r.ok) {
        var fields = (r.error && r.error.fields) || {};
        var shown = false;
        self.root.querySelectorAll('tbody input').forEach(function (input) {
          if (fields[input.name]) {
            input.setAttribute('aria-invalid', 'true');
            document.getElementById(input.getAttribute('aria-describedby')).textContent = fields[input.name];
            shown = true;
          }
        });
        if (!shown) self.notice(r.error ? r.error.message : '');
        return;
      }
      self.notice(r.data.ticketId !== undefined ? self.t('rdns.ticket', { ticket: r.data.ticketId }) : self.t('rdns.saved'));
      self.show(r.data.view);
    });
  };

  document.querySelectorAll('.pvebridge-rdns').forEach(function (root) {
    var page = new Page(root);
    root.querySelector('form').addEventListener('submit', page.submit.bind(page));
  });
})();
