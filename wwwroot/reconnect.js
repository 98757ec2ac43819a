// The reconnect banner's "reload the page" link. A script file rather than an inline onclick attribute, which the
// pages' Content-Security-Policy (script-src 'self') refuses. Listens on window in the capture phase and stops the
// click there: Blazor's own link handling (on document) must never see it, or it navigates to the link's href ("/")
// instead of reloading the page at its address.
window.addEventListener('click', event => {
    const link = event.target instanceof Element ? event.target.closest('[data-reload]') : null;
    if (link) {
        event.preventDefault();
        event.stopImmediatePropagation();
        location.reload();
    }
}, true);
