// Rows of an action plan reordered by dragging (SortableJS, static/vendor/): a row dropped
// at place N of its focus area posts direction=to, position=N and the order the user saw
// before to the row's own move URL (the form of Flytta upp / Flytta ned, with its CSRF
// field); the server moves it unless someone changed the order meanwhile, and sends the
// group back as it is now. Rows move only within their focus area (each group is a list
// of its own). The keyboard has the buttons; the handle is for the mouse and the finger.
(function () {
  "use strict";
  const ROWS = "tbody[data-sortable]";

  function rowIds(tbody) {
    return Array.from(tbody.querySelectorAll(":scope > tr[id^='rad-']"), (row) => row.id.slice(4));
  }

  function setUp(tbody) {
    if (tbody.hasAttribute("data-sorting-ready")) return;
    tbody.setAttribute("data-sorting-ready", "");
    let seen = [];
    Sortable.create(tbody, {
      handle: ".drag-handle",
      draggable: "tr.plan-row:not(.row-editing):not(.row-confirm)",
      animation: 150,
      onStart() {
        seen = rowIds(tbody);
      },
      onEnd(event) {
        const row = event.item;
        const order = rowIds(tbody);
        if (order.join(",") === seen.join(",")) return;
        const form = row.querySelector("button[name='direction']").form;
        htmx.ajax("POST", form.getAttribute("action"), {
          source: form,
          target: tbody.closest("section"),
          swap: "outerHTML",
          values: {
            direction: "to",
            position: String(order.indexOf(row.id.slice(4)) + 1),
            seen: seen.join(","),
          },
        });
      },
    });
  }

  htmx.onLoad((content) => {
    if (content.matches && content.matches(ROWS)) setUp(content);
    content.querySelectorAll(ROWS).forEach(setUp);
  });
})();
