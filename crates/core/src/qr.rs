//! QR codes of a sign-in address, made on this computer (no web service sees the address):
//! as text for a terminal, and as SVG for the window.

use qrcode::render::{svg, unicode};
use qrcode::{EcLevel, QrCode};

fn code(text: &str) -> Option<QrCode> {
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()
}

/// Half-height block characters, two rows per line, dark on a light terminal or light on a
/// dark one alike (the quiet zone is kept). `None` when the text is too long for a QR code.
pub fn terminal(text: &str) -> Option<String> {
    let code = code(text)?;
    Some(
        code.render::<unicode::Dense1x2>()
            .dark_color(unicode::Dense1x2::Light)
            .light_color(unicode::Dense1x2::Dark)
            .build(),
    )
}

/// An SVG document (black on white, with its quiet zone) that scales to its container.
pub fn svg(text: &str) -> Option<String> {
    let code = code(text)?;
    Some(
        code.render::<svg::Color>()
            .min_dimensions(200, 200)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .build(),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn addresses_become_svg_and_terminal_blocks() {
        let address = "https://id.example.com/device?user_code=WDJB-MJHT";
        let svg = super::svg(address).unwrap();
        assert!(svg.contains("<svg") && svg.contains("#000000"), "{svg}");
        let text = super::terminal(address).unwrap();
        assert!(text.lines().count() > 10);
        assert!(text.chars().any(|c| "▀▄█".contains(c)));
        assert!(super::svg(&"x".repeat(8000)).is_none());
    }
}
