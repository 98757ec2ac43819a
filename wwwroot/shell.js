// The shell's few browser-side actions (a script file: the pages' Content-Security-Policy allows no inline script).
window.dashboardShell = {
    // Keeps the light or dark choice for a year; the server reads it to render the next page in that theme.
    rememberTheme: mode => {
        document.cookie = 'dashboard-theme=' + (mode === 'dark' ? 'dark' : 'light') + '; path=/; max-age=31536000; samesite=lax';
    },
};

// A table wider (or taller) than its box scrolls inside it; keyboard users can only scroll what they can focus, so
// such a scroll region gets a tab stop (and loses it when it no longer scrolls). Checked once per frame at most,
// after the page changes or the window is resized.
(() => {
    let queued = false;
    const mark = () => {
        queued = false;
        for (const region of document.querySelectorAll('.mud-table-container')) {
            const scrolls = region.scrollWidth > region.clientWidth + 1 || region.scrollHeight > region.clientHeight + 1;
            if (scrolls && !region.hasAttribute('tabindex')) {
                region.setAttribute('tabindex', '0');
                region.setAttribute('role', 'region');
                region.setAttribute('aria-label', 'Table (scrolls)');
            } else if (!scrolls && region.getAttribute('tabindex') === '0') {
                region.removeAttribute('tabindex');
                region.removeAttribute('role');
                region.removeAttribute('aria-label');
            }
        }
    };
    const queue = () => {
        if (!queued) {
            queued = true;
            requestAnimationFrame(mark);
        }
    };
    new MutationObserver(queue).observe(document.documentElement, { childList: true, subtree: true });
    window.addEventListener('resize', queue);
    queue();
})();
