//! The human form of `authdeck doctor`: one line per check, a mark and a plain sentence.

use authdeck_core::DoctorReport;

pub fn human(report: &DoctorReport) -> String {
    let line = |ok: bool, message: &str| format!("{} {message}", if ok { "ok  " } else { "FAIL" });
    let mut lines = vec![
        line(report.keychain.ok, &report.keychain.message),
        line(report.scheme_handler.ok, &report.scheme_handler.message),
        line(report.loopback.ok, &report.loopback.message),
        line(report.data_folder_private.ok, &report.data_folder_private.message),
    ];
    match &report.hand_back {
        Some(hand_back) => lines.push(line(hand_back.arrived, hand_back.message())),
        None => lines.push(
            "-    The desktop app has not checked yet whether sign-in links come back to it."
                .into(),
        ),
    }
    lines.join("\n")
}
