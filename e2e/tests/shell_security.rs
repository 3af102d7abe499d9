//! The hardened shell, checked in the built app: the content security policy
//! the webview actually enforces, no remote content, and no path from the
//! page to anything but WSO Desk's own commands. Run by `scripts/test.sh`
//! under Xvfb with tauri-driver.

use wso_desk_e2e::desk::{TestDesk, DEPUTY};
use wso_desk_e2e::{within, Result, Window};

#[tokio::test]
#[ignore = "needs Xvfb + tauri-driver: run by scripts/test.sh"]
async fn the_built_app_enforces_its_csp_and_exposes_only_its_own_commands() -> Result<()> {
    within(async {
        let desk = TestDesk::new()?;
        let w = Window::start(&desk.db, &desk.key_file).await?;
        w.sign_in(DEPUTY.0, DEPUTY.1).await?;
        // Injected markup with an inline handler must not run: the CSP has
        // no 'unsafe-inline' for scripts. A violation event proves the policy
        // is enforced by the webview, not just written in a config file.
        let probe = w
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                   const seen = [];
                   document.addEventListener('securitypolicyviolation', e => seen.push(e.violatedDirective));
                   window.__injected = false;
                   const div = document.createElement('div');
                   div.innerHTML = '<img src="data:," onerror="window.__injected = true">';
                   document.body.appendChild(div);
                   const s = document.createElement('script');
                   s.textContent = 'window.__injected = true';
                   document.body.appendChild(s);
                   fetch('https://example.com/').then(() => 'loaded', () => 'blocked').then(remote =>
                     setTimeout(() => done({ injected: window.__injected, violations: seen, remote,
                                             globalTauri: typeof window.__TAURI__ }), 500));"#,
                vec![],
            )
            .await?;
        assert_eq!(probe["injected"], false, "inline script ran: {probe}");
        assert_eq!(probe["remote"], "blocked", "remote content was fetched: {probe}");
        assert_eq!(probe["globalTauri"], "undefined", "withGlobalTauri must stay off: {probe}");
        let violations = probe["violations"].as_array().cloned().unwrap_or_default();
        assert!(!violations.is_empty(), "no CSP violation was reported: {probe}");
        // A plugin command the capability does not grant is refused by Tauri.
        let refused = w
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                   window.__TAURI_INTERNALS__.invoke('plugin:notification|notify', { options: { title: 'x' } })
                     .then(() => done('allowed'), e => done('refused: ' + e));"#,
                vec![],
            )
            .await?;
        let refused = refused.as_str().unwrap_or_default().to_owned();
        assert!(refused.starts_with("refused"), "{refused}");
        w.stop().await
    })
    .await
}
