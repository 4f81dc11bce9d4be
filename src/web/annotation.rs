//! What an agent shows on the customer's page without control (issue #18): a highlight of one
//! element (by its rrweb node id) or a stroke in document coordinates, and clearing them. A stroke
//! streams while the agent draws: its first message starts it and each later one, with the same
//! id and an `offset`, appends the points drawn since. Duet checks each message on its own (the
//! sizes, and that `offset` plus its points stays within [`MAX_STROKE_POINTS`], so no stroke can
//! grow past it however it is sent) and relays it to the customer with the sender's handle; the
//! customer's script draws it in its own overlay, which is never recorded as page content.

use serde::{Deserialize, Serialize};

use super::protocol::BadFrame;

/// The most points one stroke carries, all its messages together.
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
        /// Stays until cleared instead of fading.
        #[serde(default, skip_serializing_if = "is_false")]
        #[cfg_attr(test, ts(optional))]
        pinned: Option<bool>,
    },
    /// A freehand line or a rectangle, in the customer's document CSS pixels.
    Stroke {
        /// The annotation's id, chosen by the agent's console; the same for every message of a stroke.
        id: u32,
        /// A freehand line through the points, or the rectangle they span (the latest message says).
        shape: StrokeShape,
        /// The points as `x, y, x, y, …`: point number `offset` of the stroke and the ones after it.
        points: Vec<f64>,
        /// Where these points go in the stroke: absent (0) starts the stroke, replacing one of the
        /// same id; otherwise they replace the stroke's points from this index on.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(test, ts(optional))]
        offset: Option<u32>,
        /// Stays until cleared instead of fading.
        #[serde(default, skip_serializing_if = "is_false")]
        #[cfg_attr(test, ts(optional))]
        pinned: Option<bool>,
    },
    /// Remove every annotation of this agent.
    Clear,
}

/// Leaves `pinned` out of the JSON unless it is true.
fn is_false(pinned: &Option<bool>) -> bool {
    *pinned != Some(true)
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
        let Annotation::Stroke { points, offset, .. } = self else {
            return Ok(());
        };
        let pairs = points.len() / 2;
        if points.len() % 2 != 0 || pairs == 0 || pairs > MAX_STROKE_POINTS {
            return Err(BadFrame::Missing(
                "annotate",
                "a stroke of 1 to 1,000 points, as x, y pairs",
            ));
        }
        let start = offset.map_or(0, |offset| offset as usize);
        if start.saturating_add(pairs) > MAX_STROKE_POINTS {
            return Err(BadFrame::Missing(
                "annotate",
                "a stroke of at most 1,000 points in all (offset plus points); start a new stroke \
                 (another id, no offset) to draw on",
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

    fn stroke(points: Vec<f64>, offset: Option<u32>) -> Annotation {
        Annotation::Stroke {
            id: 1,
            shape: StrokeShape::Free,
            points,
            offset,
            pinned: None,
        }
    }

    #[test]
    fn a_stroke_without_points_with_too_many_or_off_any_page_is_refused() {
        assert!(stroke(vec![1.0, 2.0], None).check().is_ok());
        assert!(stroke(Vec::new(), None).check().is_err());
        assert!(
            stroke(vec![1.0, 2.0, 3.0], None).check().is_err(),
            "an odd count"
        );
        assert!(
            stroke(vec![0.0; 2 * MAX_STROKE_POINTS + 2], None)
                .check()
                .is_err()
        );
        assert!(stroke(vec![f64::NAN, 0.0], None).check().is_err());
        assert!(stroke(vec![1e12, 0.0], None).check().is_err());
    }

    #[test]
    fn appending_to_a_stroke_is_refused_once_it_would_pass_a_thousand_points() {
        let last = u32::try_from(MAX_STROKE_POINTS - 1).unwrap();
        assert!(stroke(vec![1.0, 2.0], Some(last)).check().is_ok());
        let refused = stroke(vec![1.0, 2.0, 3.0, 4.0], Some(last)).check();
        assert!(
            refused
                .unwrap_err()
                .to_string()
                .contains("start a new stroke"),
            "the refusal says what to do"
        );
        assert!(stroke(vec![1.0, 2.0], Some(u32::MAX)).check().is_err());
    }

    #[test]
    fn pinned_and_offset_are_left_out_of_the_json_unless_they_say_something() {
        let plain = serde_json::to_value(stroke(vec![1.0, 2.0], None)).unwrap();
        assert!(plain.get("pinned").is_none() && plain.get("offset").is_none());
        let pinned: Annotation =
            serde_json::from_str(r#"{"kind":"highlight","id":1,"node":2,"pinned":true}"#).unwrap();
        assert_eq!(
            pinned,
            Annotation::Highlight {
                id: 1,
                node: 2,
                pinned: Some(true)
            }
        );
    }
}
