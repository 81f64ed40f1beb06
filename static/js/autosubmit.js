/* Payment redirect page: send the form to the bank's payment page as soon as the page is loaded, as the bank
   expects. Without JavaScript the visible "Continuer" button does the same. Coming back with the Back button
   does not send the family to the bank again. ES3 syntax: old browsers too. */
(function () {
  function cameBack() {
    var nav = window.performance && performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
    if (nav) { return nav.type === "back_forward"; }
    return !!(window.performance && performance.navigation && performance.navigation.type === 2);
  }
  function send() {
    var form = document.getElementById("bank-form");
    if (!form || form.getAttribute("data-autosubmit") !== "true" || cameBack()) { return; }
    form.setAttribute("data-autosubmit", "sent");
    form.submit();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", send);
  } else {
    send();
  }
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      var form = document.getElementById("bank-form");
      if (form) { form.setAttribute("data-autosubmit", "sent"); }
    }
  });
})();
