// The staff console's "copy the key" button: shown only when the browser can copy (without
// JavaScript the key is still on the page, selectable). An external file: the
// Content-Security-Policy allows no inline script.
for (const button of document.querySelectorAll('button[data-copy]')) {
  const source = document.getElementById(button.getAttribute('data-copy'))
  if (source === null || navigator.clipboard === undefined) continue
  button.hidden = false
  button.addEventListener('click', async () => {
    await navigator.clipboard.writeText(source.textContent.trim())
    const status = document.getElementById(`${button.getAttribute('data-copy')}-status`)
    if (status !== null) status.textContent = button.getAttribute('data-done')
  })
}
