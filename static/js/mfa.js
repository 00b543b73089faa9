// Starts allauth's passkey buttons (static/mfa/js/webauthn.js) on our two-factor pages, in
// place of allauth's inline JSON settings and onload.js: the ids are fixed by our templates.
(function () {
  'use strict'
  document.addEventListener('DOMContentLoaded', function () {
    const forms = window.allauth && window.allauth.webauthn && window.allauth.webauthn.forms
    if (!forms) return
    if (document.getElementById('mfa_webauthn_add')) {
      forms.addForm({ ids: { add: 'mfa_webauthn_add', credential: 'id_credential', data: 'js_data' } })
    }
    if (document.getElementById('mfa_webauthn_authenticate')) {
      forms.authenticateForm({
        ids: { authenticate: 'mfa_webauthn_authenticate', credential: 'id_credential', data: 'js_data' }
      })
    }
  })
})()
