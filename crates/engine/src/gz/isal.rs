//! ISA-L's inflate, taken from the system's shared library when it has one.
//!
//! Intel's ISA-L inflates a gzip stream about 1.6 times as fast as zlib-rs
//! on one core (its `igzip -dc` against our zlib path on the bench bundle).
//! It is C and hand-written assembly whose build needs nasm and autotools,
//! which a machine with only the Rust toolchain lacks, so it is not linked:
//! the first gzip stream looks for the shared library (Debian's and
//! Ubuntu's `libisal2`, Fedora's and Homebrew's `isa-l`) and uses it when
//! it loads; without it zlib-rs reads every stream.
//!
//! The types and constants are `isal-sys`'s bindings of ISA-L 2.31's
//! `igzip_lib.h`; `struct inflate_state` is the same in every 2.x release
//! (the library's soname is `libisal.so.2`), 2.30 included.
//!
//! This module and its callers never read inflated bytes ISA-L has not
//! written: the state's pointers describe the caller's buffers only during
//! a call, and are cleared after it.

use std::{
    alloc::{Layout, alloc_zeroed, handle_alloc_error},
    io::{self, BufRead, Read},
    os::raw::c_int,
    ptr::null_mut,
    sync::OnceLock,
};

use isal_sys::igzip_lib as ffi;
use libloading::Library;

/// The names the shared library is looked for under, in order.
#[cfg(target_os = "macos")]
const NAMES: &[&str] = &["libisal.2.dylib", "libisal.dylib"];
#[cfg(windows)]
const NAMES: &[&str] = &["isa-l.dll"];
#[cfg(not(any(target_os = "macos", windows)))]
const NAMES: &[&str] = &["libisal.so.2"];

type InitFn = unsafe extern "C" fn(*mut ffi::inflate_state);
type InflateFn = unsafe extern "C" fn(*mut ffi::inflate_state) -> c_int;

/// ISA-L's inflate functions, and the library that holds them.
pub(crate) struct Isal {
    init: InitFn,
    inflate: InflateFn,
    /// The name it was loaded by.
    name: &'static str,
    /// Kept loaded for as long as the functions may be called: for the
    /// process's life, as it lives in a static.
    _library: Library,
}

impl Isal {
    /// The name the library was loaded by (`libisal.so.2`).
    pub(crate) fn name(&self) -> &'static str {
        self.name
    }
}

static ISAL: OnceLock<Option<Isal>> = OnceLock::new();

/// ISA-L, loaded at the first call; `None` when the system has none.
pub(crate) fn library() -> Option<&'static Isal> {
    ISAL.get_or_init(load).as_ref()
}

fn load() -> Option<Isal> {
    NAMES.iter().find_map(|&name| {
        // SAFETY: loading runs the library's initialisers, and ISA-L has
        // none with effects outside itself.
        let library = unsafe { Library::new(name) }.ok()?;
        // SAFETY: these are ISA-L's functions, of the types igzip_lib.h
        // gives them; the pointers stay valid while `library` is loaded,
        // and it is kept with them.
        let (init, inflate) = unsafe {
            let init = *library.get::<InitFn>(b"isal_inflate_init\0").ok()?;
            let inflate = *library.get::<InflateFn>(b"isal_inflate\0").ok()?;
            (init, inflate)
        };
        Some(Isal { init, inflate, name, _library: library })
    })
}

/// One gzip member inflated by ISA-L, which reads its header and checks
/// its trailer; the bytes after the member stay in the reader.
pub(crate) struct Member<R> {
    reader: R,
    /// 85 KiB, hence boxed.
    state: Box<ffi::inflate_state>,
    inflate: InflateFn,
    /// Set once the trailer has been read and checked.
    done: bool,
    /// ISA-L's error, given again to a caller that reads on.
    broken: Option<c_int>,
}

impl<R: BufRead> Member<R> {
    pub(crate) fn new(reader: R, isal: &Isal) -> Member<R> {
        let layout = Layout::new::<ffi::inflate_state>();
        // SAFETY: the layout is the state's, which is not zero-sized; the
        // state is integers, arrays of them and pointers, for which all
        // zeros is a valid value; and the allocation is the global
        // allocator's, as Box wants.
        let mut state: Box<ffi::inflate_state> = unsafe {
            let p = alloc_zeroed(layout).cast::<ffi::inflate_state>();
            if p.is_null() {
                handle_alloc_error(layout);
            }
            Box::from_raw(p)
        };
        // SAFETY: `state` is a valid, exclusively borrowed state.
        unsafe { (isal.init)(&mut *state) };
        state.crc_flag = ffi::ISAL_GZIP;
        Member {
            reader,
            state,
            inflate: isal.inflate,
            done: false,
            broken: None,
        }
    }

    pub(crate) fn get_ref(&self) -> &R {
        &self.reader
    }

    pub(crate) fn into_inner(self) -> R {
        self.reader
    }
}

impl<R: BufRead> Read for Member<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(ret) = self.broken {
            return Err(failure(ret));
        }
        if self.done || buf.is_empty() {
            return Ok(0);
        }
        loop {
            let input = self.reader.fill_buf()?;
            let in_len = input.len().min(u32::MAX as usize);
            let out_len = buf.len().min(u32::MAX as usize);
            let state = &mut *self.state;
            state.next_in = input.as_ptr().cast_mut();
            state.avail_in = in_len as u32;
            state.next_out = buf.as_mut_ptr();
            state.avail_out = out_len as u32;
            // SAFETY: next_in and avail_in describe `input`, which ISA-L
            // only reads; next_out and avail_out describe `buf`; both
            // outlive the call, and the pointers are cleared after it.
            let ret = unsafe { (self.inflate)(state) };
            // On an error the state's counts are not to be read (ISA-L
            // leaves them half updated); the stream is broken for good.
            if ret != ffi::ISAL_DECOMP_OK as c_int {
                self.broken = Some(ret);
                return Err(failure(ret));
            }
            // ISA-L reads no byte behind the end of a member, nor gives
            // back any it took in an earlier call (its trailer check takes
            // the trailer from what it holds, then from the input).
            let consumed = in_len.checked_sub(state.avail_in as usize);
            let produced = out_len.checked_sub(state.avail_out as usize);
            state.next_in = null_mut();
            state.avail_in = 0;
            state.next_out = null_mut();
            state.avail_out = 0;
            let (Some(consumed), Some(produced)) = (consumed, produced) else {
                self.broken = Some(ffi::ISAL_INVALID_STATE);
                return Err(corrupt_deflate());
            };
            let block = state.block_state;
            let header_read = state.wrapper_flag != 0;
            self.reader.consume(consumed);
            if block == ffi::isal_block_state_ISAL_BLOCK_FINISH {
                self.done = true;
                return Ok(produced);
            }
            if produced > 0 {
                return Ok(produced);
            }
            if in_len == 0 {
                return Err(cut(block, header_read));
            }
            if consumed == 0 {
                // Input and room, and neither used: never seen, but a loop
                // here would never end.
                return Err(corrupt_deflate());
            }
        }
    }
}

/// ISA-L's error codes in the words flate2 uses for the same failure, so a
/// report does not depend on which library inflated the stream.
fn failure(ret: c_int) -> io::Error {
    match ret {
        ffi::ISAL_INVALID_WRAPPER | ffi::ISAL_UNSUPPORTED_METHOD => {
            io::Error::new(io::ErrorKind::InvalidInput, "invalid gzip header")
        }
        ffi::ISAL_INCORRECT_CHECKSUM => io::Error::new(
            io::ErrorKind::InvalidInput,
            "corrupt gzip stream does not have a matching checksum",
        ),
        _ => corrupt_deflate(),
    }
}

fn corrupt_deflate() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "corrupt deflate stream")
}

/// The input ended inside the member: in its header or trailer, flate2
/// says only that the file ended; inside the deflate data, that the
/// stream is incomplete.
fn cut(block: ffi::isal_block_state, header_read: bool) -> io::Error {
    let in_wrapper = !header_read
        || (ffi::isal_block_state_ISAL_GZIP_EXTRA_LEN
            ..=ffi::isal_block_state_ISAL_GZIP_HCRC)
            .contains(&block)
        || block == ffi::isal_block_state_ISAL_BLOCK_INPUT_DONE
        || block == ffi::isal_block_state_ISAL_CHECKSUM_CHECK;
    if in_wrapper {
        io::ErrorKind::UnexpectedEof.into()
    } else {
        io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "incomplete deflate stream",
        )
    }
}
