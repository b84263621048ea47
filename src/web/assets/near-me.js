// "Near me": asks the browser for the position and opens the results sorted by distance. Without
// JavaScript (or when the position cannot be had) the community chooser beside it does the job.
for (const button of document.querySelectorAll('[data-near-me]')) {
  if (!('geolocation' in navigator)) continue
  button.hidden = false
  const status = document.getElementById(button.getAttribute('aria-controls'))
  button.addEventListener('click', () => {
    status.textContent = button.dataset.locating
    navigator.geolocation.getCurrentPosition(
      (position) => {
        const near = `${position.coords.latitude.toFixed(5)},${position.coords.longitude.toFixed(5)}`
        const url = new URL(button.dataset.action, location.href)
        url.searchParams.set('near', near)
        url.searchParams.set('sort', 'distance')
        location.assign(url.href)
      },
      () => {
        status.textContent = button.dataset.failed
      },
      { enableHighAccuracy: false, timeout: 10000, maximumAge: 300000 },
    )
  })
}
