//! The processes `mizzle dev` starts, and stopping all of them with it.
//!
//! While `mizzle dev` runs, every tool it starts (wrangler, cargo through worker-build,
//! wasm-opt) runs in a process group of its own, registered here. Ctrl-C, SIGTERM, SIGHUP,
//! or the death of the process that started `mizzle dev` (Linux: `PR_SET_PDEATHSIG`) stop
//! every registered group, wait for it to go (SIGKILL after three seconds), and exit: no
//! workerd is left holding the port. Other commands leave their tools in mizzle's own
//! group, where the terminal's Ctrl-C reaches them directly.

use std::process::{Child, Command, ExitStatus};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Whether tools go in groups of their own (`mizzle dev`).
static GROUPED: AtomicBool = AtomicBool::new(false);
/// Set once a signal has asked mizzle to stop (the handler is stopping the children).
static STOPPING: AtomicBool = AtomicBool::new(false);
/// The running groups' ids (each its leader's pid).
static GROUPS: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// From now on, tools run in their own process groups, and a signal to mizzle (or its
/// parent's death) stops them all and exits with `128 + signal`'s usual code (130).
pub fn stop_children_with_mizzle() -> Result<(), String> {
    GROUPED.store(true, Ordering::SeqCst);
    ctrlc::set_handler(|| {
        STOPPING.store(true, Ordering::SeqCst);
        eprintln!("\n[mizzle] stopping");
        stop_all();
        std::process::exit(130);
    })
    .map_err(|e| format!("cannot handle Ctrl-C: {e}"))?;
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_PDEATHSIG and a signal number has no memory effects.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
    }
    Ok(())
}

/// Whether a signal is stopping mizzle: what the children do now is the handler's business
/// (it reaps them, and exits).
pub fn stopping() -> bool {
    STOPPING.load(Ordering::SeqCst)
}

/// Starts `cmd` (in a group of its own under `mizzle dev`).
pub fn spawn(cmd: &mut Command) -> std::io::Result<Child> {
    if !GROUPED.load(Ordering::SeqCst) {
        return cmd.spawn();
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
        #[cfg(target_os = "linux")]
        // SAFETY: only prctl, which is async-signal-safe, runs between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                // If mizzle is killed outright (SIGKILL), the tool still hears of it.
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
                Ok(())
            });
        }
    }
    let child = cmd.spawn()?;
    GROUPS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(child.id());
    Ok(child)
}

/// Waits for a child [`spawn`] started, and forgets its group.
pub fn wait(child: &mut Child) -> std::io::Result<ExitStatus> {
    let status = child.wait();
    forget(child.id());
    status
}

/// `cmd`'s exit status, run to the end like `Command::status`.
pub fn status(cmd: &mut Command) -> std::io::Result<ExitStatus> {
    let mut child = spawn(cmd)?;
    wait(&mut child)
}

/// `cmd`'s exit status and output, captured (stdin closed).
pub fn output(cmd: &mut Command) -> std::io::Result<std::process::Output> {
    use std::process::Stdio;
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = spawn(cmd)?;
    let id = child.id();
    let out = child.wait_with_output();
    forget(id);
    out
}

fn forget(id: u32) {
    GROUPS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|g| *g != id);
}

/// Stops every registered group.
pub fn stop_all() {
    let groups = GROUPS.lock().unwrap_or_else(|e| e.into_inner()).clone();
    for g in groups {
        stop_group(g);
    }
}

#[cfg(unix)]
fn stop_group(id: u32) {
    let Ok(pgid) = i32::try_from(id) else {
        return;
    };
    // SAFETY (the calls below): kill and waitpid have no memory effects; a negative pid
    // names the process group, whose leader is mizzle's child, reaped here so that a
    // zombie does not count as alive.
    let gone = || unsafe {
        libc::waitpid(pgid, std::ptr::null_mut(), libc::WNOHANG);
        libc::kill(-pgid, 0) != 0
    };
    unsafe {
        libc::kill(-pgid, libc::SIGTERM);
    }
    let deadline = Instant::now() + Duration::from_secs(3);
    while !gone() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    if !gone() {
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
        let deadline = Instant::now() + Duration::from_secs(2);
        while !gone() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

#[cfg(not(unix))]
fn stop_group(_id: u32) {}
