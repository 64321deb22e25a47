// The demo storefront's only script, and optional: the order status page follows the order live.
// Signed-in customers get the API's live order feed (EventSource with a single-use ticket); guests
// poll the status every few seconds. The product page's price follows the chosen variant.
(function () {
  "use strict";

  var picker = document.querySelector(".variant-picker");
  var priceLabel = document.querySelector("[data-price]");
  if (picker && priceLabel) {
    picker.addEventListener("change", function (event) {
      var price = event.target && event.target.getAttribute && event.target.getAttribute("data-price");
      if (price) priceLabel.textContent = price;
    });
  }

  var box = document.querySelector(".order-status[data-order-id]");
  if (!box) return;
  var id = box.getAttribute("data-order-id");
  var label = box.querySelector("[data-status-label]");
  var live = box.querySelector(".live");
  var steps = ["PLACED", "PAID", "FULFILLED"];

  function show(status) {
    status = String(status).toUpperCase();
    if (box.getAttribute("data-status") === status) return;
    box.setAttribute("data-status", status);
    label.textContent = status.replace("_", " ").toLowerCase();
    var reached = steps.indexOf(status);
    box.querySelectorAll("[data-step]").forEach(function (li) {
      li.classList.toggle("done", steps.indexOf(li.getAttribute("data-step")) <= reached);
    });
  }

  function poll() {
    var timer = setInterval(function () {
      fetch("/orders/" + encodeURIComponent(id) + "/status", { headers: { accept: "application/json" } })
        .then(function (res) { return res.ok ? res.json() : null; })
        .then(function (order) {
          if (!order) return;
          show(order.status);
          if (["FULFILLED", "CANCELLED", "REFUNDED"].indexOf(order.status) >= 0) clearInterval(timer);
        })
        .catch(function () {});
    }, 4000);
    live.hidden = false;
    live.textContent = "● updates automatically";
  }

  if (box.getAttribute("data-live") !== "feed" || !window.EventSource) return poll();
  fetch("/orders/feed-ticket", { method: "POST" })
    .then(function (res) { if (!res.ok) throw new Error("no ticket"); return res.json(); })
    .then(function (body) {
      var source = new EventSource("/v1/orders/feed?ticket=" + encodeURIComponent(body.ticket));
      source.addEventListener("feed.ready", function () { live.hidden = false; });
      source.onmessage = function (message) {
        var event = JSON.parse(message.data);
        if (event.data && event.data.id === id && event.data.status) show(event.data.status);
      };
      source.onerror = function () { source.close(); live.hidden = true; poll(); };
    })
    .catch(poll);
})();
