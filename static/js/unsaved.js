// Nothing typed is lost by a click: leaving a form with changes asks first.
//
// A form has changes when a field differs from what the page showed (each field's default
// value, so a form swapped in by htmx is judged by its own HTML, and a form typed back to
// what it was asks nothing). Every form posted counts; GET forms (filters, search) do not,
// nor a form marked data-unsaved-ignore. Leaving is: following a link, pressing a form's
// Cancel (data-cancel; Escape presses it, see samverkan.js), sending another form that
// loads a new page, or closing or reloading the tab (the browser's own question).
// Sending the form itself asks nothing.
(() => {
  const script = document.currentScript;
  const question = (script && script.dataset.question) || "Leave without saving?";
  let leaving = false; // the user already said yes, or a form is being sent

  const watched = (form) =>
    (form.getAttribute("method") || "").toLowerCase() === "post" &&
    !form.hasAttribute("data-unsaved-ignore");

  const ignoredTypes = new Set(["hidden", "submit", "button", "reset", "image"]);

  function selectChanged(select) {
    const options = Array.from(select.options);
    if (select.multiple) return options.some((option) => option.selected !== option.defaultSelected);
    // A single choice without a preselected option shows its first option.
    let shown = options.findIndex((option) => option.defaultSelected);
    if (shown === -1) shown = options.findIndex((option) => !option.disabled);
    return select.selectedIndex !== shown;
  }

  function fieldChanged(field) {
    if (field.disabled || ignoredTypes.has(field.type)) return false;
    if (field.tagName === "SELECT") return selectChanged(field);
    if (field.type === "checkbox" || field.type === "radio") {
      return field.checked !== field.defaultChecked;
    }
    if (field.type === "file") return field.files.length > 0;
    if ("defaultValue" in field) return field.value !== field.defaultValue;
    return false;
  }

  function hasChanges(form) {
    return watched(form) && Array.from(form.elements).some(fieldChanged);
  }

  function changedForms(except) {
    return Array.from(document.forms).filter((form) => form !== except && hasChanges(form));
  }

  // True when it is fine to go on: nothing would be lost, or the user says so.
  function mayLeave(forms) {
    if (leaving || forms.length === 0) return true;
    if (window.confirm(question)) {
      leaving = true;
      return true;
    }
    return false;
  }

  function stop(event) {
    event.preventDefault();
    event.stopImmediatePropagation(); // before htmx's own listeners on the element
  }

  // Links, in the capture phase so that htmx-driven links are asked about too.
  document.addEventListener(
    "click",
    (event) => {
      if (event.defaultPrevented || event.button !== 0) return;
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return; // new tab
      const link = event.target.closest && event.target.closest("a[href]");
      if (!link || link.target === "_blank" || link.hasAttribute("download")) return;
      if (link.getAttribute("href").startsWith("#")) return; // a place on the same page
      if (!mayLeave(changedForms())) stop(event);
    },
    true,
  );

  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      const submitter = event.submitter;
      let losing;
      if (submitter && submitter.hasAttribute("data-cancel")) {
        losing = hasChanges(form) ? [form] : []; // Cancel throws this form's changes away
      } else if (form.hasAttribute("hx-post") || form.hasAttribute("hx-get")) {
        losing = []; // swapped in place: the rest of the page stays
      } else {
        losing = changedForms(form); // a new page: the other forms' changes would go
      }
      if (!mayLeave(losing)) {
        stop(event);
        return;
      }
      leaving = true;
    },
    true,
  );

  // A form sent with htmx leaves the page where it was; a form the browser refused to
  // send (a field it found invalid) too.
  document.addEventListener("htmx:afterRequest", () => {
    leaving = false;
  });
  document.addEventListener("invalid", () => {
    leaving = false;
  }, true);
  window.addEventListener("pageshow", () => {
    leaving = false;
  });

  window.addEventListener("beforeunload", (event) => {
    if (leaving || changedForms().length === 0) return;
    event.preventDefault();
    event.returnValue = ""; // older browsers ask only when this is set
  });
})();
