// The reconnect banner's "reload the page" link. A script file rather than an inline onclick attribute, which the
// pages' Content-Security-Policy (script-src 'self') refuses.
document.addEventListener('click', event => {
    const link = event.target instanceof Element ? event.target.closest('[data-reload]') : null;
    if (link) {
        event.preventDefault();
        location.reload();
    }
});
