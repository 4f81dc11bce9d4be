//! What an agent shows on the customer's page without control (issue #18, first part): a
//! highlight of one element (by its rrweb node id) or a stroke in document coordinates, and
//! clearing them. Duet checks the sizes and relays it to the customer with the sender's handle;
//! the customer's script draws it in its own overlay, which is never recorded as page content.

use serde::{Deserialize, Serialize};

use super::protocol::BadFrame;

/// The most points one stroke carries.
pub const MAX_STROKE_POINTS: usize = 1_000;

/// One annotation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Annotation {
    /// Outline the element with this rrweb node id and scroll it into view.
    Highlight {
        /// The annotation's id, chosen by the agent's console.
        id: u32,
        /// The rrweb node id of the element.
        node: u64,
    },
    /// A freehand line or a rectangle, in the customer's document CSS pixels.
    Stroke {
        /// The annotation's id, chosen by the agent's console.
        id: u32,
        /// A freehand line through the points, or the rectangle they span.
        shape: StrokeShape,
        /// The points as `x, y, x, y, …`, at most [`MAX_STROKE_POINTS`] of them.
        points: Vec<f64>,
    },
    /// Remove every annotation of this agent.
    Clear,
}

/// How a stroke's points are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum StrokeShape {
    /// A line through every point.
    Free,
    /// The rectangle between the first and the last point.
    Rect,
}

impl Annotation {
    /// Checks sizes and numbers, so nothing absurd is relayed.
    pub fn check(&self) -> Result<(), BadFrame> {
        let Annotation::Stroke { points, .. } = self else {
            return Ok(());
        };
        let pairs = points.len() / 2;
        if points.len() % 2 != 0 || pairs == 0 || pairs > MAX_STROKE_POINTS {
            return Err(BadFrame::Missing(
                "annotate",
                "a stroke of 1 to 1,000 points, as x, y pairs",
            ));
        }
        let sane = |n: &f64| n.is_finite() && n.abs() <= 1_000_000.0;
        if !points.iter().all(sane) {
            return Err(BadFrame::Missing("annotate", "finite points on the page"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stroke_without_points_with_too_many_or_off_any_page_is_refused() {
        let stroke = |points: Vec<f64>| Annotation::Stroke {
            id: 1,
            shape: StrokeShape::Free,
            points,
        };
        assert!(stroke(vec![1.0, 2.0]).check().is_ok());
        assert!(stroke(Vec::new()).check().is_err());
        assert!(stroke(vec![1.0, 2.0, 3.0]).check().is_err(), "an odd count");
        assert!(
            stroke(vec![0.0; 2 * MAX_STROKE_POINTS + 2])
                .check()
                .is_err()
        );
        assert!(stroke(vec![f64::NAN, 0.0]).check().is_err());
        assert!(stroke(vec![1e12, 0.0]).check().is_err());
    }
}
