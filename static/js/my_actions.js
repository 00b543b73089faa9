// My actions: copy the calendar address with one tap (the address stays selectable without JS).
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const input = document.getElementById(button.dataset.copy);
    if (!input || !navigator.clipboard) continue;
    const label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(input.value);
        button.textContent = button.dataset.copied;
      } catch {
        input.select();
      }
      setTimeout(() => { button.textContent = label; }, 2000);
    });
  }
});
