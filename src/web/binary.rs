//! Duet's binary WebSocket frames: the customer's compressed page changes and pointer positions.
//! Byte 0 says which: bit 1 set is a pointer (bit 2 then marks an agent's laser), clear is page
//! changes. Mirrored for the browser in `webresource/src/socket.ts` (page changes) and
//! `webresource/src/pointerframe.ts` (pointers); change them together.

use bytes::Bytes;

use super::protocol::BadFrame;

/// Flag bit of a binary `dom` frame: the batch starts with a full snapshot, and the deflate
/// stream starts again with it.
pub const DOM_FLAG_FULL: u8 = 0b0000_0001;
/// Byte 0 of a binary pointer frame.
pub const POINTER_KIND: u8 = 0b0000_0010;
/// Flag bit of a pointer frame's byte 0: an agent's laser, shown on the customer's page as a
/// short fading trail instead of the dot alone (byte 0 is then `POINTER_KIND | POINTER_FLAG_LASER`).
pub const POINTER_FLAG_LASER: u8 = 0b0000_0100;
/// Length of a binary pointer frame: kind, sender, x and y.
pub const POINTER_FRAME_LEN: usize = 6;

/// One binary frame, read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryFrame {
    /// Page changes; `full` when the batch starts with a full snapshot.
    Dom {
        /// Bit 0 of the flags.
        full: bool,
    },
    /// A pointer position in the customer's viewport CSS pixels.
    Pointer {
        /// Horizontal position.
        x: i16,
        /// Vertical position.
        y: i16,
        /// An agent's laser (bit 2 of byte 0); only agents may send one.
        laser: bool,
    },
}

/// Who moved a pointer, as byte 1 of a pointer frame says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointerFrom {
    /// The customer's pointer (byte 1 is 0).
    Customer = 0,
    /// An agent's pointer (byte 1 is 1).
    Agent = 1,
}

/// Reads byte 0 of a binary frame and what the kind needs.
///
/// ## Binary `dom` frames
///
/// The customer's script sends each batch of rrweb events as one binary WebSocket frame
/// instead of a `dom` text envelope (which is still accepted, from older scripts):
///
/// - byte 0: flags. Bit 0 ([`DOM_FLAG_FULL`]) is set when the batch starts with a full snapshot
///   (Meta + FullSnapshot); bits 1 to 7 are clear.
/// - bytes 1..: raw DEFLATE (RFC 1951, no zlib or gzip header) of `JSON.stringify(events)`.
///   One deflate stream runs for the whole connection, so each batch is compressed against the
///   ones before it; each batch ends with a sync flush whose trailing `00 00 ff ff` is left out
///   (as in permessage-deflate, RFC 7692). The stream starts afresh, with a new deflater, at
///   every frame whose full flag is set, so a reader can start at any full frame.
///
/// To read: on a full frame start a new inflater; append `00 00 ff ff` to bytes 1.. and
/// inflate; the output is the batch's JSON event array. Only the customer of a co-browse session
/// may send them; Duet checks the flags and the size (the socket's message limit) and relays the
/// frame to agents byte for byte, as a binary frame, under the same rules as a `dom` envelope
/// (an agent waiting for a full snapshot skips frames until a full one).
///
/// ## Binary pointer frames
///
/// Six bytes, both ways: [`POINTER_KIND`], the sender ([`PointerFrom`]; a browser sends 0 and
/// Duet writes who it was), then x and y as little-endian `i16` CSS pixels. The same as a
/// `pointer` text envelope (still accepted) in 6 bytes instead of about 35: at display rate
/// the pointer was most of what a customer's page sent. Duet relays them latest-wins.
/// An agent's laser is the same frame with [`POINTER_FLAG_LASER`] set in byte 0 (so 6 instead
/// of 2): the customer draws the recent positions as a trail. It shares the pointer's slot and
/// its latest-wins relay; a customer's laser frame is refused (`ws/roles.rs`).
pub fn binary_frame(frame: &[u8]) -> Result<BinaryFrame, BadFrame> {
    match frame {
        [kind, _, x0, x1, y0, y1] if kind & !POINTER_FLAG_LASER == POINTER_KIND => {
            Ok(BinaryFrame::Pointer {
                x: i16::from_le_bytes([*x0, *x1]),
                y: i16::from_le_bytes([*y0, *y1]),
                laser: kind & POINTER_FLAG_LASER != 0,
            })
        }
        [kind, ..] if kind & !POINTER_FLAG_LASER == POINTER_KIND => Err(BadFrame::Missing(
            "binary pointer",
            "exactly 6 bytes: kind, sender, x and y",
        )),
        [flags, _, ..] if flags & !DOM_FLAG_FULL == 0 => Ok(BinaryFrame::Dom {
            full: flags & DOM_FLAG_FULL != 0,
        }),
        [_, _, ..] => Err(BadFrame::Missing(
            "binary",
            "flags in byte 0 of 0 or 1 (page changes), 2 (a pointer) or 6 (an agent's laser)",
        )),
        _ => Err(BadFrame::Missing(
            "binary dom",
            "a flags byte and deflated events",
        )),
    }
}

/// A binary pointer frame from `from` at (`x`, `y`), a laser or not, for the other side.
pub fn pointer_frame(from: PointerFrom, x: i16, y: i16, laser: bool) -> Bytes {
    let [x0, x1] = x.to_le_bytes();
    let [y0, y1] = y.to_le_bytes();
    let kind = if laser {
        POINTER_KIND | POINTER_FLAG_LASER
    } else {
        POINTER_KIND
    };
    Bytes::copy_from_slice(&[kind, from as u8, x0, x1, y0, y1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dom_frame_says_full_in_bit_zero_and_keeps_the_others_clear() {
        assert_eq!(
            binary_frame(&[1, 0x4a, 0]),
            Ok(BinaryFrame::Dom { full: true })
        );
        assert_eq!(
            binary_frame(&[0, 0x4a]),
            Ok(BinaryFrame::Dom { full: false })
        );
        assert!(binary_frame(&[0b100, 0x4a]).is_err());
        assert!(binary_frame(&[1]).is_err());
        assert!(binary_frame(&[]).is_err());
    }

    #[test]
    fn a_pointer_frame_is_six_bytes_of_kind_sender_and_little_endian_coordinates() {
        assert_eq!(
            binary_frame(&[2, 0, 0x2c, 0x01, 0xff, 0xff]),
            Ok(BinaryFrame::Pointer {
                x: 300,
                y: -1,
                laser: false
            })
        );
        assert!(binary_frame(&[2, 0, 1, 0, 1]).is_err());
        assert!(binary_frame(&[2, 0, 1, 0, 1, 0, 0]).is_err());
        assert_eq!(
            pointer_frame(PointerFrom::Agent, 300, -1, false).as_ref(),
            &[2, 1, 0x2c, 0x01, 0xff, 0xff]
        );
    }

    #[test]
    fn a_laser_is_a_pointer_frame_with_bit_two_set_and_keeps_six_bytes() {
        assert_eq!(
            binary_frame(&[6, 0, 10, 0, 20, 0]),
            Ok(BinaryFrame::Pointer {
                x: 10,
                y: 20,
                laser: true
            })
        );
        assert!(binary_frame(&[6, 0, 10, 0, 20]).is_err());
        assert!(
            binary_frame(&[4, 0, 10, 0, 20, 0]).is_err(),
            "the laser bit alone is no kind"
        );
        assert_eq!(
            pointer_frame(PointerFrom::Agent, 10, 20, true).as_ref(),
            &[6, 1, 10, 0, 20, 0]
        );
    }
}
