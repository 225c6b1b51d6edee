// Keyboard shortcut for the header search box: "/" or Ctrl-K focuses it.
(function () {
  "use strict";
  var box = document.getElementById("site-search-q");
  if (!box) return;
  document.addEventListener("keydown", function (event) {
    var typing = /^(input|textarea|select)$/i.test(event.target.tagName) || event.target.isContentEditable;
    if ((event.key === "/" && !typing) || (event.key === "k" && (event.ctrlKey || event.metaKey))) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });
})();
