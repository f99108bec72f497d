/* Behaviours of the whole platform, written once here so that no page needs inline script
   (Content-Security-Policy: script-src 'self'). Markup opts in with data attributes:
     data-confirm="问题"          on a form (on submit) or a button/link (on click): ask first
     data-back                    go back one page
     data-print                   print the page
     data-toggle-target="id"      toggle the "show" class of #id (the collapsed menu)
     data-nav-dropdown            on a menu <li> holding a <button> and a .dropdown-menu: the button opens and
                                  closes the menu (click, Enter, Space, ↓); ↑/↓ move through its links, Esc
                                  closes it and returns to the button; a click elsewhere or Tab out closes it
     data-remove-after-request    remove the element after its htmx request (e.g. 显示完整号码)
     data-id-number               fill 出生日期 and 性别 from a typed ID number (GB 11643)
     data-searchable              on a <select>: Tom Select search box (any part of the name matches),
                                  applied on load and to content htmx swaps in (htmx:load)
     data-options-url="url"       with data-searchable: typed text also asks url?q=… for more options
                                  (JSON {"results": [{"value", "text"}]})                              */
(function () {
  "use strict";

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.matches && form.matches("form[data-confirm]") && !window.confirm(form.getAttribute("data-confirm"))) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("click", function (e) {
    var el = e.target.closest ? e.target.closest("[data-confirm]:not(form), [data-back], [data-print], [data-toggle-target]") : null;
    if (!el) { return; }
    if (el.hasAttribute("data-confirm") && el.tagName !== "FORM") {
      if (!window.confirm(el.getAttribute("data-confirm"))) { e.preventDefault(); e.stopImmediatePropagation(); }
      return;
    }
    if (el.hasAttribute("data-back")) { e.preventDefault(); window.history.back(); return; }
    if (el.hasAttribute("data-print")) { e.preventDefault(); window.print(); return; }
    if (el.hasAttribute("data-toggle-target")) {
      var target = document.getElementById(el.getAttribute("data-toggle-target"));
      if (target) { target.classList.toggle("show"); }
    }
  }, true);

  // 顶部菜单的下拉分组（键盘可用：回车/空格/↓ 打开，↑↓ 移动，Esc 关闭）。
  function dropdownOf(el) { return el && el.closest ? el.closest("[data-nav-dropdown]") : null; }
  function setOpen(dropdown, open) {
    var button = dropdown.querySelector("button"), menu = dropdown.querySelector(".dropdown-menu");
    if (!button || !menu) { return; }
    menu.classList.toggle("show", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  function closeAll(except) {
    Array.prototype.forEach.call(document.querySelectorAll("[data-nav-dropdown]"), function (d) {
      if (d !== except) { setOpen(d, false); }
    });
  }
  function menuLinks(dropdown) { return Array.prototype.slice.call(dropdown.querySelectorAll(".dropdown-menu a")); }
  document.addEventListener("click", function (e) {
    var dropdown = dropdownOf(e.target);
    closeAll(dropdown);
    if (!dropdown || !e.target.closest("[data-nav-dropdown] > button")) { return; }
    var menu = dropdown.querySelector(".dropdown-menu");
    setOpen(dropdown, !(menu && menu.classList.contains("show")));
  });
  document.addEventListener("keydown", function (e) {
    var dropdown = dropdownOf(e.target);
    if (!dropdown) { return; }
    var links = menuLinks(dropdown), at = links.indexOf(e.target), button = dropdown.querySelector("button");
    if (e.key === "Escape") {
      setOpen(dropdown, false);
      if (button) { button.focus(); }
      e.preventDefault();
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!links.length) { return; }
      setOpen(dropdown, true);
      var next = e.key === "ArrowDown" ? (at + 1) % links.length : (at <= 0 ? links.length - 1 : at - 1);
      links[next].focus();
      e.preventDefault();
    }
  });
  document.addEventListener("focusout", function (e) {
    var dropdown = dropdownOf(e.target);
    if (dropdown && !(e.relatedTarget && dropdown.contains(e.relatedTarget))) { setOpen(dropdown, false); }
  });

  document.addEventListener("htmx:afterRequest", function (e) {
    var elt = e.detail && e.detail.elt;
    var owner = elt && elt.closest ? elt.closest("[data-remove-after-request]") : null;
    if (owner) { owner.remove(); }
  });

  // 由公民身份号码带出出生日期和性别（GB 11643：第7-14位为出生日期，第17位奇数为男、偶数为女）。
  document.addEventListener("input", function (e) {
    if (!e.target.matches || !e.target.matches("[data-id-number]")) { return; }
    var v = e.target.value.trim().toUpperCase();
    if (!/^\d{17}[\dX]$/.test(v)) { return; }
    var birth = document.getElementById("id_birth_date"), sex = document.getElementById("id_sex");
    if (birth && !birth.value) { birth.value = v.slice(6, 10) + "-" + v.slice(10, 12) + "-" + v.slice(12, 14); }
    if (sex && !sex.value) { sex.value = parseInt(v.charAt(16), 10) % 2 ? "男" : "女"; }
  });

  // 可搜索的下拉框（议题14）：输入名称的任意部分或拼音首字母即可筛选，方向键选择、回车确认。
  function searchable(root) {
    if (typeof window.TomSelect !== "function" || !root || !root.querySelectorAll) { return; }
    var list = Array.prototype.slice.call(root.querySelectorAll("select[data-searchable]"));
    if (root.matches && root.matches("select[data-searchable]")) { list.push(root); }
    list.forEach(function (el) {
      if (el.tomselect || el.multiple) { return; }
      // data-initials-map（core.forms.SearchableSelect）：整个下拉框的拼音首字母只带一次，这里逐项放回选项上，
      // Tom Select 把 data-initials 读作选项的 initials 字段。
      var map = el.getAttribute("data-initials-map");
      if (map) {
        try { map = JSON.parse(map); } catch (err) { map = {}; }
        Array.prototype.forEach.call(el.options, function (o) {
          if (map[o.value]) { o.setAttribute("data-initials", map[o.value]); }
        });
      }
      var settings = {
        create: false,
        allowEmptyOption: true,
        maxOptions: null,
        placeholder: "输入名称中的任意文字或拼音首字母筛选",
        // initials of each option (from data-initials-map above): "dhjd" finds 大河街道.
        searchField: ["text", "initials"],
        render: {
          no_results: function () { return '<div class="no-results">没有名称包含该文字（或拼音首字母）的选项</div>'; }
        }
      };
      // data-options-url（议题15）：页面只带上层选项，输入文字后向服务器查询范围内名称包含该文字的全部选项。
      var url = el.getAttribute("data-options-url");
      if (url) {
        settings.valueField = "value";
        settings.labelField = "text";
        settings.shouldLoad = function (query) { return query.length > 0; };
        settings.load = function (query, callback) {
          var sep = url.indexOf("?") < 0 ? "?" : "&";
          fetch(url + sep + "q=" + encodeURIComponent(query), { credentials: "same-origin" })
            .then(function (r) { return r.json(); })
            .then(function (data) { callback(data.results || []); })
            .catch(function () { callback(); });
        };
      }
      new window.TomSelect(el, settings);
    });
  }
  document.addEventListener("htmx:load", function (e) { searchable(e.detail && e.detail.elt); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { searchable(document); });
  } else {
    searchable(document);
  }
})();
