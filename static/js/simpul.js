/* Simpul: small page behaviours, no framework. Everything works without this file too;
   it only adds comfort (checklists, GPS, drafts kept on the device). */
(function () {
  "use strict";

  // Texts come from the page (translated by Django), never from this file.
  function text(el, name, fallback) {
    return (el && el.dataset && el.dataset[name]) || fallback || "";
  }

  // Intake: hide the beneficiary fieldset while "beneficiary is the applicant" is ticked.
  function initBeneficiaryToggle(root) {
    root.querySelectorAll("[data-hide-when-checked]").forEach(function (section) {
      var box = document.getElementById(section.dataset.hideWhenChecked);
      if (!box || section.dataset.bound) return;
      section.dataset.bound = "1";
      var sync = function () { section.hidden = box.checked; };
      box.addEventListener("change", sync);
      sync();
    });
  }

  // Intake: mark the documents the ticked services require, and count what is attached.
  function initDocumentChecklist(root) {
    var services = document.getElementById("requested-services");
    var documents = document.getElementById("documents");
    if (!services || !documents || documents.dataset.bound) return;
    documents.dataset.bound = "1";
    var summary = document.getElementById("documents-summary");
    var update = function () {
      var required = {};
      services.querySelectorAll("input[type=checkbox]:checked").forEach(function (box) {
        (box.dataset.docs || "").split(" ").forEach(function (code) { if (code) required[code] = true; });
      });
      var needed = 0, attached = 0;
      documents.querySelectorAll("[data-doc]").forEach(function (row) {
        var isRequired = !!required[row.dataset.doc];
        var input = row.querySelector("input[type=file]");
        var hasFile = input && input.files && input.files.length > 0;
        row.querySelector("[data-required-badge]").classList.toggle("d-none", !isRequired);
        if (input) input.setAttribute("aria-describedby", isRequired ? "documents-summary" : "");
        if (isRequired) { needed += 1; if (hasFile) attached += 1; }
      });
      if (summary) {
        summary.textContent = needed
          ? text(summary, "template", "{attached} / {needed}").replace("{attached}", attached).replace("{needed}", needed)
          : "";
      }
    };
    services.addEventListener("change", update);
    documents.addEventListener("change", update);
    update();
  }

  // Home visit: fill latitude/longitude from the phone's GPS when the officer asks. The
  // button names its form's fields (data-latitude-field / data-longitude-field): a task
  // form's fields carry the task's prefix (t2053-latitude).
  function initGps(root) {
    root.querySelectorAll("[data-gps]").forEach(function (button) {
      if (button.dataset.bound) return;
      button.dataset.bound = "1";
      var form = button.closest("form");
      var latitude = form.elements.namedItem(button.dataset.latitudeField);
      var longitude = form.elements.namedItem(button.dataset.longitudeField);
      if (!("geolocation" in navigator) || !latitude || !longitude) { button.hidden = true; return; }
      var status = form.querySelector("[data-gps-status]");
      button.addEventListener("click", function () {
        if (status) status.textContent = text(button, "waiting");
        navigator.geolocation.getCurrentPosition(function (pos) {
          latitude.value = pos.coords.latitude.toFixed(6);
          longitude.value = pos.coords.longitude.toFixed(6);
          // The draft keeps what the GPS filled in, as it keeps what was typed.
          latitude.dispatchEvent(new Event("input", { bubbles: true }));
          longitude.dispatchEvent(new Event("input", { bubbles: true }));
          if (status) status.textContent = text(button, "done");
        }, function () {
          if (status) status.textContent = text(button, "failed");
        }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
      });
    });
  }

  // Drafts: what is typed into a form marked data-draft="key" is kept in this browser
  // (localStorage) until the server confirms it was saved, so a dropped connection or a
  // closed tab loses nothing. Files cannot be kept; the officer picks photos again.
  var PREFIX = "simpul-draft:";
  var MAX_AGE_MS = 14 * 24 * 3600 * 1000; // an older draft is dropped, not restored

  function draftFields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.name !== "remove_upload" && el.type !== "file" &&
        el.type !== "submit" && el.type !== "button" && el.type !== "hidden";
    });
  }

  // The draft holds the fields the officer has touched (typed, picked, filled by the GPS)
  // since it began, so a default the page fills in (a visit time of "now") is never kept
  // and later brought back as if it had been typed.
  function saveDraft(form, touched) {
    var names = form.draftNames || (form.draftNames = {});
    if (touched && touched.name) names[touched.name] = true;
    var data = {};
    draftFields(form).forEach(function (el) {
      if (!names[el.name]) return;
      if (el.type === "radio") { if (el.checked) data[el.name] = el.value; }
      else if (el.type === "checkbox") {
        data[el.name] = data[el.name] || [];
        if (el.checked) data[el.name].push(el.value);
      } else data[el.name] = el.value;
    });
    if (!Object.keys(data).length) return;
    try {
      localStorage.setItem(PREFIX + form.dataset.draft, JSON.stringify({ saved: Date.now(), data: data }));
    } catch (e) { /* storage full or disabled: nothing more we can do */ }
  }

  // A draft holding nothing typed (every field empty) restores nothing.
  function isEmptyDraft(data) {
    return Object.keys(data).every(function (name) {
      var value = data[name];
      return value === "" || value === null || (Array.isArray(value) && value.length === 0);
    });
  }

  // Puts a draft's value in one field; true when that changed what the field shows.
  function restoreField(el, value) {
    if (el.type === "radio" || el.type === "checkbox") {
      var checked = el.type === "radio" ? el.value === value
        : Array.isArray(value) && value.indexOf(el.value) >= 0;
      if (el.checked === checked) return false;
      el.checked = checked;
      return true;
    }
    if (el.value === value) return false;
    el.value = value;
    return el.value === value; // a value the field cannot hold (an option gone) is no change
  }

  function restoreDraft(form) {
    var raw;
    try { raw = localStorage.getItem(PREFIX + form.dataset.draft); } catch (e) { return; }
    if (!raw) return;
    var draft;
    try { draft = JSON.parse(raw); } catch (e) { return; }
    if (!draft || !draft.data || Date.now() - draft.saved > MAX_AGE_MS || isEmptyDraft(draft.data)) {
      try { localStorage.removeItem(PREFIX + form.dataset.draft); } catch (e) { /* ignore */ }
      return;
    }
    // The draft is what the officer typed last, so it wins over the page's defaults. The
    // officer is told only when it changed what the page shows.
    var restored = false;
    form.draftNames = {};
    draftFields(form).forEach(function (el) {
      if (!(el.name in draft.data)) return;
      form.draftNames[el.name] = true; // still the officer's, though it may change nothing here
      if (restoreField(el, draft.data[el.name])) restored = true;
    });
    var note = form.querySelector("[data-draft-status]");
    if (restored && note) {
      note.textContent = text(note, "restored");
      note.hidden = false;
    }
  }

  function initDrafts(root) {
    // The server lists drafts it has saved for good (after a successful submit).
    document.querySelectorAll("[data-draft-done]").forEach(function (el) {
      try { localStorage.removeItem(PREFIX + el.dataset.draftDone); } catch (e) { /* ignore */ }
    });
    root.querySelectorAll("form[data-draft]").forEach(function (form) {
      if (form.dataset.bound) return;
      form.dataset.bound = "1";
      restoreDraft(form);
      form.addEventListener("input", function (event) { saveDraft(form, event.target); });
      form.addEventListener("change", function (event) { saveDraft(form, event.target); });
      form.addEventListener("submit", function (event) {
        saveDraft(form);
        if (navigator.onLine === false) {
          event.preventDefault();
          showOffline(form, event.submitter);
        }
      });
    });
  }

  // No signal: said right under the button that was pressed (on a phone the top of a long
  // form is off-screen), in the form's words (data-offline of its [data-draft-status]).
  function showOffline(form, button) {
    var note = form.querySelector("[data-draft-status]");
    button = button || form.querySelector("button:not([type=button]):not([type=reset]), input[type=submit]");
    var message = form.querySelector("[data-offline-status]");
    if (!message) {
      message = document.createElement("p");
      message.className = "alert alert-warning py-2 mt-2 mb-0";
      message.setAttribute("role", "status");
      message.dataset.offlineStatus = "";
    }
    if (button) button.insertAdjacentElement("afterend", message);
    else form.appendChild(message);
    message.textContent = text(note, "offline");
    if (message.scrollIntoView) message.scrollIntoView({ block: "nearest" });
  }

  // No inline handlers or htmx filters (the Content-Security-Policy refuses them):
  // a control marked data-auto-submit sends its form when changed (the language switch) ...
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-auto-submit]") && el.form) el.form.submit();
  });
  // ... and a field marked data-complete-length="N" fires "simpul-complete" on each input
  // once it holds N characters (htmx runs the NIK lookup on it).
  document.addEventListener("input", function (event) {
    var el = event.target;
    var length = el.dataset && parseInt(el.dataset.completeLength, 10);
    if (length && el.value.length >= length) el.dispatchEvent(new CustomEvent("simpul-complete"));
    if (el.dataset && el.dataset.digits) showDigitsHint(el);
    syncShownWhenEmpty(document);
  });

  // A 16-digit number (NIK, No. KK) marked data-digits="16" says while it is typed that it
  // has another number of digits, in the server's words (data-digits-message, "{count}"),
  // without waiting for the lookup. Separators are not counted, as on the server.
  function showDigitsHint(input) {
    var wanted = parseInt(input.dataset.digits, 10);
    var typed = (input.value.normalize ? input.value.normalize("NFKC") : input.value)
      .replace(/[\s.\-\u2010-\u2015\u200b-\u200d\u2060\ufeff\u00ad]/g, "");
    var hint = input.parentNode.querySelector("[data-digits-hint]");
    if (!hint) {
      hint = document.createElement("div");
      hint.className = "form-text text-danger";
      hint.id = (input.id || input.name) + "-digits";
      hint.setAttribute("aria-live", "polite");
      hint.dataset.digitsHint = "";
      input.insertAdjacentElement("afterend", hint);
      input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + hint.id).trim());
    }
    var wrong = typed.length > 0 && typed.length !== wanted;
    hint.textContent = wrong ? text(input, "digitsMessage").replace("{count}", typed.length) : "";
    hint.hidden = !wrong;
  }

  // Intake: "reason without NIK" shows only while the NIK is empty
  // (data-show-when-empty="<id of the NIK input>"); the server still checks the pair.
  function syncShownWhenEmpty(root) {
    root.querySelectorAll("[data-show-when-empty]").forEach(function (section) {
      var input = document.getElementById(section.dataset.showWhenEmpty);
      if (input) section.hidden = input.value.trim() !== "";
    });
  }

  // A form being sent disables its submit buttons, so a double tap sends it once (the
  // server also answers a repeat of the form's one-time token with the first result).
  // Disabled just after the browser has read the form, so the pressed button still sends
  // its name and value; a form whose sending was stopped (offline draft) stays usable.
  // A download form (data-download: the answer is a file, the page stays) is usable again
  // after a few seconds.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || (form.method || "").toLowerCase() !== "post") return;
    var buttons = form.querySelectorAll("button:not([type=button]):not([type=reset]), input[type=submit]");
    function setDisabled(disabled) {
      buttons.forEach(function (button) {
        button.disabled = disabled;
        if (disabled) button.dataset.submitting = "1";
        else delete button.dataset.submitting;
      });
    }
    window.setTimeout(function () {
      setDisabled(true);
      if (form.hasAttribute("data-download")) window.setTimeout(setDisabled, 3000, false);
    }, 0);
  });
  // Back to a page kept by the browser (back button): its buttons work again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("[data-submitting]").forEach(function (button) {
      button.disabled = false;
      delete button.dataset.submitting;
    });
  });

  // A page answering a POST (a form back with its errors, a revealed NIK) takes the address
  // the server names for it (<link rel="canonical">): reloading it then reads that page
  // instead of sending the form again.
  function settleAddress() {
    var link = document.querySelector("link[rel=canonical]");
    if (!link || !window.history.replaceState) return;
    window.history.replaceState(window.history.state, "", link.getAttribute("href") + window.location.hash);
  }
  settleAddress();

  // Assessment: a service's letter reason (data-with-service="<code>") shows while that
  // service is ticked in the same form.
  function initServiceReasons(root) {
    root.querySelectorAll("[data-with-service]").forEach(function (input) {
      var form = input.form;
      var wrapper = input.closest(".mb-3") || input;
      if (!form || input.dataset.bound) return;
      input.dataset.bound = "1";
      var box = Array.prototype.find.call(form.querySelectorAll("input[type=checkbox]"), function (b) {
        return b.value === input.dataset.withService && /-services$/.test(b.name);
      });
      if (!box) return;
      var sync = function () { wrapper.hidden = !box.checked && !input.value; };
      box.addEventListener("change", sync);
      sync();
    });
  }

  function init(root) {
    syncShownWhenEmpty(document);
    initServiceReasons(root);
    initBeneficiaryToggle(root);
    initDocumentChecklist(root);
    initGps(root);
    initDrafts(root);
  }

  if (window.htmx) window.htmx.onLoad(init);
  else document.addEventListener("DOMContentLoaded", function () { init(document); });
})();
