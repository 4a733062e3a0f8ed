//! Arrow across the boundary: importing tables and columns through the Arrow PyCapsule
//! interface, reading their cells column-wise, and exporting results.

pub mod cells;
pub mod export;
pub mod import;
pub mod reader;
