// Progressive enhancement for chat: answers stream in as they are written (server-sent events
// over fetch), then the stored answer with its citations replaces the live text. Without
// JavaScript the forms post normally and the page shows the answer when it is ready.
(() => {
  const thread = document.querySelector("[data-thread]");
  const errorBox = document.querySelector("[data-chat-error]");

  async function* serverEvents(response) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let kind = "message";
        let data = "";
        for (const line of block.split("\n")) {
          if (line.startsWith("event:")) kind = line.slice(6).trim();
          else if (line.startsWith("data:")) data += line.slice(5).trim();
        }
        yield { kind, data: data ? JSON.parse(data) : null };
      }
    }
  }

  function fromHtml(html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = !message;
  }

  // A new chat takes its title from the first question.
  function showTitle(title) {
    const field = document.getElementById("chat-title");
    if (field && !field.value) field.value = title;
    const current = document.querySelector(".conversation-list [aria-current=page] .conversation-list__title");
    if (current) current.textContent = title;
  }

  function liveAnswer() {
    const item = document.createElement("li");
    item.className = "chat-message chat-message--assistant chat-message--streaming";
    item.innerHTML = '<p class="chat-message__who">Assistant</p><div class="chat-message__body"></div>';
    thread.append(item);
    return item;
  }

  async function streamed(form, { replacing }) {
    const buttons = document.querySelectorAll("[data-ask] button, [data-regenerate] button");
    buttons.forEach((button) => { button.disabled = true; });
    showError("");
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "text/event-stream" },
      });
      if (!response.ok) {
        const body = await response.json().catch(() => ({}));
        showError(body.message || "The question could not be sent. Please try again.");
        return;
      }
      replacing?.remove();
      let answer = null;
      for await (const { kind, data } of serverEvents(response)) {
        if (kind === "question") {
          thread.querySelector("[data-empty]")?.remove();
          thread.querySelectorAll("[data-regenerate]").forEach((old) => old.remove());
          if (!document.getElementById(`message-${data.id}`)) thread.append(fromHtml(data.html));
          showTitle(data.title);
          form.reset();
          answer = liveAnswer();
        } else if (kind === "delta") {
          answer.querySelector(".chat-message__body").append(data.text);
        } else if (kind === "done") {
          answer.replaceWith(fromHtml(data.html));
        }
        thread.lastElementChild?.scrollIntoView({ block: "end" });
      }
    } catch {
      showError("The connection was lost while answering. Reload the page to see what was saved.");
    } finally {
      buttons.forEach((button) => { button.disabled = false; });
    }
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.matches("[data-confirm]") && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    } else if (thread && form.matches("[data-ask]")) {
      event.preventDefault();
      streamed(form, {});
    } else if (thread && form.matches("[data-regenerate]")) {
      event.preventDefault();
      streamed(form, { replacing: form.closest(".chat-message") });
    }
  });

  document.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-copy]");
    if (!button) return;
    await navigator.clipboard.writeText(button.dataset.copy);
    button.textContent = "Copied";
    setTimeout(() => { button.textContent = "Copy answer"; }, 2000);
  });

  // Ctrl/Cmd + Enter sends the question.
  document.querySelector("[data-ask] textarea")?.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) event.target.form.requestSubmit();
  });
})();
