// Small behaviours htmx leaves to us; kept in a file so no inline script is needed.
// Escape in a form marked data-escape-cancels presses the form's cancel link or button.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const form = event.target.closest && event.target.closest("[data-escape-cancels]");
  const cancel = form && form.querySelector("[data-cancel]");
  if (cancel) {
    event.preventDefault();
    cancel.click();
  }
});

// A read-only address to copy (data-select-on-focus) is selected whole when focused.
document.addEventListener("focusin", (event) => {
  if (event.target.matches && event.target.matches("input[data-select-on-focus]")) {
    event.target.select();
  }
});
