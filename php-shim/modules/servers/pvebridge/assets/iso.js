/*
 * pvebridge ISO page: mounts the chosen image (op "isoMount") or ejects it (op "isoUnmount")
 * through the shim's JSON action (modop=custom&a=ClientApi with the CSRF token) and shows the
 * mounted image the gateway answers. Talks only to WHMCS; texts from the page's language JSON.
 */
(function () {
  'use strict';

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

  Page.prototype.notice = function (text) {
    var el = this.root.querySelector('.pvebridge-iso-notice');
    el.textContent = text || '';
    el.hidden = !text;
  };

  Page.prototype.show = function (view) {
    this.root.querySelector('[data-field="current"]').textContent = view.currentName || this.t('iso.none');
    var eject = this.root.querySelector('button[data-op="isoUnmount"]');
    if (eject) eject.disabled = !view.currentName || !!view.locked;
  };

  Page.prototype.run = function (op) {
    var self = this;
    var body = new URLSearchParams();
    var select = this.root.querySelector('select[name="volid"]');
    body.set('token', this.token);
    body.set('op', op);
    body.set('args', JSON.stringify(op === 'isoMount' ? { volid: select.value } : {}));
    this.root.querySelectorAll('button[data-op]').forEach(function (b) {
      b.disabled = true;
    });
    return fetch(this.endpoint, { method: 'POST', credentials: 'same-origin', body: body })
      .then(function (r) {
        return r.json();
      })
      .then(function (r) {
        if (!r.ok) {
          self.notice((r.error && r.error.message) || self.t('error.internal'));
          return;
        }
        self.show(r.data);
        self.notice(self.t(op === 'isoMount' ? 'iso.mounted' : 'iso.unmounted'));
      })
      .catch(function () {
        self.notice(self.t('error.internal'));
      })
      .then(function () {
        var mount = self.root.querySelector('button[data-op="isoMount"]');
        if (mount) mount.disabled = false;
        if (op === 'isoUnmount' || !self.root.querySelector('[data-field="current"]').textContent) return;
        var eject = self.root.querySelector('button[data-op="isoUnmount"]');
        if (eject && self.root.querySelector('[data-field="current"]').textContent !== self.t('iso.none')) eject.disabled = false;
      });
  };

  function init(root) {
    var page = new Page(root);
    var form = root.querySelector('.pvebridge-iso-form');
    if (!form) return;
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      page.run('isoMount');
    });
    root.querySelector('button[data-op="isoUnmount"]').addEventListener('click', function () {
      page.run('isoUnmount');
    });
  }

  document.querySelectorAll('.pvebridge-iso').forEach(init);
})();
