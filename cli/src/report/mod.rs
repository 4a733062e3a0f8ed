//! Outputs of a scoring run: the [`model::Report`] and its renderings (terminal text, CSV,
//! self-contained HTML with inline SVG charts).

pub mod csv;
pub mod drilldown;
pub mod html;
pub mod model;
pub mod panels;
pub mod svg;
pub mod text;
