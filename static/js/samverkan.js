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
