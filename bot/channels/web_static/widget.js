/* Web chat for Kế hoạch 119 (Thanh Hóa): <script src=".../webchat/widget.js" defer></script>.
 * No dependencies, nothing loaded from anywhere but the bot. Styles live in a Shadow DOM so the
 * portal's CSS and ours never meet. Every text from the bot or the reader is inserted as text
 * (textContent, text nodes): never as HTML. Links only for http(s) addresses. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__khh119WebChat) { return; }
  window.__khh119WebChat = true;
  var base = new URL(".", script.src).href;
  var api = base + "api/";
  var openAtStart = script.getAttribute("data-open") === "true";

  var T = {
    vi: {launcher: "Hỏi đáp về Kế hoạch 119", title: "Hỏi đáp về Kế hoạch 119", close: "Đóng",
      other: "English", otherCode: "en", placeholder: "Nhập câu hỏi của bạn…", question: "Câu hỏi",
      send: "Gửi", topics: "Chủ đề", feedback: "Góp ý", contacts: "Liên hệ", privacy: "Quyền riêng tư",
      forget: "Xóa dữ liệu của tôi", fbTitle: "Gửi góp ý", fbText: "Nội dung góp ý", fbName: "Họ tên (không bắt buộc)",
      fbEmail: "Thư điện tử (không bắt buộc)", fbSend: "Gửi góp ý", fbCancel: "Hủy",
      fbEmpty: "Bạn hãy nhập nội dung góp ý.", fbBadEmail: "Địa chỉ thư điện tử chưa đúng.",
      tooLong: "Tin nhắn quá dài. Bạn hãy rút gọn rồi gửi lại nhé.",
      tooFast: "Bạn gửi nhanh quá. Vui lòng chờ một lát rồi thử lại.",
      refused: "Trang này không được phép dùng khung hỏi đáp.",
      offline: "Chưa kết nối được tới máy chủ. Đang thử lại…", you: "Bạn", bot: "Trợ lý"},
    en: {launcher: "Questions about Plan 119", title: "Questions about Plan 119", close: "Close",
      other: "Tiếng Việt", otherCode: "vi", placeholder: "Type your question…", question: "Question",
      send: "Send", topics: "Topics", feedback: "Feedback", contacts: "Contacts", privacy: "Privacy",
      forget: "Delete my data", fbTitle: "Send feedback", fbText: "Your feedback", fbName: "Name (optional)",
      fbEmail: "E-mail (optional)", fbSend: "Send feedback", fbCancel: "Cancel",
      fbEmpty: "Please write your feedback.", fbBadEmail: "That e-mail address does not look right.",
      tooLong: "That message is too long. Please shorten it and send it again.",
      tooFast: "You are sending too fast. Please wait a moment and try again.",
      refused: "This page is not allowed to use the chat.",
      offline: "Cannot reach the server. Trying again…", you: "You", bot: "Assistant"}
  };
  var lang = (document.documentElement.lang || navigator.language || "vi").slice(0, 2) === "en" ? "en" : "vi";
  var last = 0;
  var started = null;
  var counter = 0;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function newId() {
    counter += 1;
    var r = new Uint8Array(9);
    crypto.getRandomValues(r);
    return Array.prototype.map.call(r, function (b) { return b.toString(16); }).join("") + "-" + counter;
  }

  var host = el("div", {id: "khh119-webchat"});
  var root = host.attachShadow({mode: "open"});
  root.appendChild(el("link", {rel: "stylesheet", href: base + "widget.css"}));
  var launcher = el("button", {type: "button", "class": "launcher", "aria-expanded": "false",
    "aria-controls": "khh-panel"});
  var panel = el("section", {id: "khh-panel", "class": "panel", role: "dialog", "aria-labelledby": "khh-title"});
  panel.hidden = true;
  var header = el("header");
  var title = el("h2", {id: "khh-title"});
  var langBtn = el("button", {type: "button", "class": "lang"});
  var closeBtn = el("button", {type: "button", "class": "close"}, "×");
  header.append(title, langBtn, closeBtn);
  var tools = el("nav", {"class": "tools"});
  var log = el("div", {"class": "log", role: "log", "aria-live": "polite", tabindex: "-1"});
  var form = el("form", {"class": "ask", autocomplete: "off"});
  var label = el("label", {"for": "khh-q", "class": "sr"});
  var input = el("input", {id: "khh-q", name: "q", type: "text", maxlength: "2000", autocomplete: "off"});
  var sendBtn = el("button", {type: "submit"});
  form.append(label, input, sendBtn);
  var fb = el("form", {"class": "fb", novalidate: ""});
  fb.hidden = true;
  var fbTitle = el("h3");
  var fbText = el("textarea", {name: "text", id: "khh-fb-text", maxlength: "3000", rows: "4"});
  var fbName = el("input", {name: "name", id: "khh-fb-name", maxlength: "100", autocomplete: "name"});
  var fbEmail = el("input", {name: "email", id: "khh-fb-email", type: "email", maxlength: "254",
    autocomplete: "email"});
  var fbErr = el("p", {"class": "err", role: "alert"});
  var fbSend = el("button", {type: "submit"});
  var fbCancel = el("button", {type: "button", "class": "secondary"});
  var fbLabels = [el("label", {"for": "khh-fb-text"}), el("label", {"for": "khh-fb-name"}),
    el("label", {"for": "khh-fb-email"})];
  fb.append(fbTitle, fbLabels[0], fbText, fbLabels[1], fbName, fbLabels[2], fbEmail, fbErr, fbSend, fbCancel);
  panel.append(header, tools, log, form, fb);  /* the question's form first: tools look for it */
  root.append(launcher, panel);

  var toolButtons = [["topics", "/menu"], ["feedback", null], ["contacts", "/lienhe"], ["privacy", "/privacy"],
    ["forget", "/xoadulieu"]].map(function (spec) {
    var b = el("button", {type: "button", "data-tool": spec[0]});
    b.addEventListener("click", function () {
      if (spec[1]) { say({text: spec[1]}, b.textContent); } else { openFeedback(); }
    });
    tools.appendChild(b);
    return [b, spec[0]];
  });

  function labels() {
    var s = T[lang];
    launcher.textContent = s.launcher;
    title.textContent = s.title;
    langBtn.textContent = s.other;
    langBtn.setAttribute("lang", s.otherCode);
    closeBtn.setAttribute("aria-label", s.close);
    label.textContent = s.question;
    input.setAttribute("placeholder", s.placeholder);
    sendBtn.textContent = s.send;
    fbTitle.textContent = s.fbTitle;
    fbLabels[0].textContent = s.fbText;
    fbLabels[1].textContent = s.fbName;
    fbLabels[2].textContent = s.fbEmail;
    fbSend.textContent = s.fbSend;
    fbCancel.textContent = s.fbCancel;
    toolButtons.forEach(function (pair) { pair[0].textContent = s[pair[1]]; });
    panel.setAttribute("lang", lang);
  }

  /* Text as paragraphs and lines; http(s) addresses become links, everything else stays text. */
  var URL_RE = /https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)]/g;
  function appendText(parent, text) {
    text.split(/\n{2,}/).forEach(function (para) {
      var p = el("p");
      para.split("\n").forEach(function (line, i) {
        if (i) { p.appendChild(el("br")); }
        var at = 0;
        line.replace(URL_RE, function (match, offset) {
          p.appendChild(document.createTextNode(line.slice(at, offset)));
          var a = null;
          try {
            var u = new URL(match);
            if (u.protocol === "https:" || u.protocol === "http:") {
              a = el("a", {href: u.href, target: "_blank", rel: "noopener noreferrer"}, match);
            }
          } catch (e) { a = null; }
          p.appendChild(a || document.createTextNode(match));
          at = offset + match.length;
          return match;
        });
        p.appendChild(document.createTextNode(line.slice(at)));
      });
      parent.appendChild(p);
    });
  }

  function bubble(who, text) {
    var m = el("div", {"class": "msg " + who, tabindex: "-1"});
    m.appendChild(el("span", {"class": "sr"}, (who === "me" ? T[lang].you : T[lang].bot) + ": "));
    appendText(m, text);
    log.appendChild(m);
    log.scrollTop = log.scrollHeight;
    return m;
  }

  function showMessage(msg) {
    if (msg.lang === "vi" || msg.lang === "en") {
      if (msg.lang !== lang) { lang = msg.lang; labels(); }
    }
    var typing = form.contains(root.activeElement);  /* asking: the focus stays in the form */
    var m = bubble("bot", msg.text || "");
    var row = null;
    var rowName = null;
    (msg.options || []).forEach(function (o) {
      if (!row || !o.row || o.row !== rowName) {
        row = el("div", {"class": "opts"});
        m.appendChild(row);
      }
      rowName = o.row || null;
      var b = el("button", {type: "button", "class": "opt"}, o.label);
      b.addEventListener("click", function () { say({action: o.action}, o.label); });
      row.appendChild(b);
    });
    log.scrollTop = log.scrollHeight;
    if (!panel.hidden && !typing) { m.focus({preventScroll: true}); }
  }

  function note(text) { bubble("note", text); }

  function failure(status) {
    var s = T[lang];
    note(status === 413 ? s.tooLong : status === 429 ? s.tooFast : status === 403 ? s.refused : s.offline);
  }

  function post(path, body) {
    body.lang = lang;
    return fetch(api + path, {method: "POST", credentials: "include", body: JSON.stringify(body),
      headers: {"Content-Type": "text/plain;charset=UTF-8"}});  /* a simple request: no preflight */
  }

  function start() {
    if (!started) {
      started = post("start", {welcome: log.childElementCount === 0}).then(function (r) {
        if (!r.ok) { throw r; }
        poll();
      }).catch(function (r) {
        started = null;
        failure(r && r.status);
      });
    }
    return started;
  }

  function poll() {
    post("messages", {after: last}).then(function (r) {
      if (r.status === 401) { started = null; start(); return null; }
      if (!r.ok) { throw r; }
      return r.json();
    }).then(function (data) {
      if (!data) { return; }
      data.messages.forEach(function (msg) {
        if (msg.seq > last) { last = msg.seq; showMessage(msg); }
      });
      poll();
    }).catch(function (r) {
      if (r && r.status === 403) { failure(403); return; }
      setTimeout(poll, 2000);
    });
  }

  function say(body, shown) {
    if (shown) { bubble("me", shown); }
    body.id = newId();
    return start().then(function () { return post("message", body); }).then(function (r) {
      if (r && !r.ok) { failure(r.status); }
    }).catch(function () { failure(0); });
  }

  function openPanel() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    host.classList.add("open");
    start();
    input.focus();
  }
  function closePanel() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    host.classList.remove("open");
    launcher.focus();
  }
  function openFeedback() {
    fb.hidden = false;
    fbErr.textContent = "";
    fbText.focus();
  }
  function closeFeedback() {
    fb.hidden = true;
    input.focus();
  }

  launcher.addEventListener("click", function () { if (panel.hidden) { openPanel(); } else { closePanel(); } });
  closeBtn.addEventListener("click", closePanel);
  langBtn.addEventListener("click", function () { say({action: "lang:" + T[lang].otherCode}, T[lang].other); });
  panel.addEventListener("keydown", function (e) {
    if (e.key === "Escape") {
      e.preventDefault();
      if (!fb.hidden) { closeFeedback(); } else { closePanel(); }
    }
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    say({text: text}, text);
  });
  input.addEventListener("paste", function (e) {  /* maxlength cuts a long paste silently: say so */
    var pasted = e.clipboardData ? e.clipboardData.getData("text") : "";
    if (pasted.length > 2000) { note(T[lang].tooLong); }
  });
    fbCancel.addEventListener("click", closeFeedback);
  fb.addEventListener("submit", function (e) {
    e.preventDefault();
    var s = T[lang];
    var body = {text: fbText.value.trim(), name: fbName.value.trim(), email: fbEmail.value.trim(), id: newId()};
    if (!body.text) { fbErr.textContent = s.fbEmpty; fbText.focus(); return; }
    if (body.email && !fbEmail.checkValidity()) { fbErr.textContent = s.fbBadEmail; fbEmail.focus(); return; }
    start().then(function () { return post("feedback", body); }).then(function (r) {
      if (r.ok) {
        bubble("me", s.feedback + ": " + body.text);
        fbText.value = "";
        closeFeedback();
        return null;
      }
      if (r.status === 400) {
        return r.json().then(function (d) { fbErr.textContent = d.error || s.fbBadEmail; });
      }
      failure(r.status);
      return null;
    }).catch(function () { failure(0); });
  });

  labels();
  function mount() {
    document.body.appendChild(host);
    if (openAtStart) { openPanel(); }
  }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
}());
