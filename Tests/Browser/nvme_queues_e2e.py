#!/usr/bin/env python3
"""Does the nvme-queues lesson's first step in a real browser, against a running `qlearn serve`.

Usage: nvme_queues_e2e.py URL SCREENSHOT

Drives Debian's chromium through chromium-driver (selenium): opens the URL with its token, starts the VM, types into
the xterm.js console, records the answer, presses Check, sees the step pass, saves a screenshot, stops the VM.
Every wait is bounded; any failure exits non-zero with what was on the page.
"""
import json
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.support.ui import WebDriverWait


def say(*words):
    print("e2e:", *words, flush=True)


def main():
    url, screenshot = sys.argv[1], sys.argv[2]
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1500,1000",
                     "--disable-gpu", "--no-first-run", "--disable-extensions"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(30)
    try:
        run(driver, url, screenshot)
    except Exception:
        say("FAILED; the page said:")
        try:
            print("step panel result:", text(driver, "result"), flush=True)
            print(driver.find_element(By.TAG_NAME, "body").text[-4000:], flush=True)
            driver.save_screenshot(screenshot)
            say("screenshot of the failure:", screenshot)
        except Exception as error:  # the browser may be gone
            say("no page:", error)
        raise
    finally:
        for entry in driver.get_log("browser"):
            say("browser console:", entry.get("level"), entry.get("message"))
        driver.quit()


def text(driver, element_id):
    return driver.find_element(By.ID, element_id).text


def wait_for(driver, seconds, what, condition):
    say("waiting for", what)
    return WebDriverWait(driver, seconds, poll_frequency=0.25).until(lambda d: condition(d), "timed out: " + what)


def terminal_text(driver):
    # xterm.js draws on a canvas: read its buffer instead.
    return driver.execute_script("""
        const buffer = window.qlearnTerminal._core.buffer, lines = [];
        for (let i = 0; i < buffer.lines.length; i++) lines.push(buffer.translateBufferLineToString(i, true));
        return lines.join('\\n');""")


def run(driver, url, screenshot):
    driver.get(url)
    # The token was traded for a cookie and left the address bar.
    assert "token=" not in driver.current_url, driver.current_url
    driver.find_element(By.CSS_SELECTOR, "a[href='/lesson/nvme-queues']").click()
    wait_for(driver, 30, "the lesson page", lambda d: "NVMe queues and CPUs" in d.title)
    assert driver.find_element(By.CSS_SELECTOR, "svg.machine").is_displayed()
    wait_for(driver, 30, "the VM status", lambda d: "not running" in text(d, "vm-status"))

    driver.find_element(By.ID, "start").click()
    started = time.monotonic()
    wait_for(driver, 240, "the VM to boot", lambda d: text(d, "vm-status").startswith("running"))
    say("booted in %.1f s:" % (time.monotonic() - started), text(driver, "vm-status"))

    wait_for(driver, 60, "the console", lambda d: text(d, "console-status") == "connected")
    wait_for(driver, 60, "a shell prompt in xterm", lambda d: "#" in terminal_text(d))

    terminal = driver.find_element(By.ID, "terminal")
    terminal.click()
    # Clicking the terminal focuses xterm's hidden textarea: keys typed now go to the guest.
    ActionChains(driver).send_keys("grep -c nvme0q /proc/interrupts\n").perform()
    wait_for(driver, 60, "the command's output in xterm",
             lambda d: any(line.strip() == "5" for line in terminal_text(d).split("\n")))
    say("the guest answered 5 in the page's console")

    # The page's terminal size reached the guest's tty.
    rows = driver.execute_script("return window.qlearnTerminal.rows;")
    ActionChains(driver).send_keys("stty size\n").perform()
    wait_for(driver, 30, "stty size to print %d rows" % rows,
             lambda d: any(line.strip().startswith("%d " % rows) for line in terminal_text(d).split("\n")))

    answer = driver.find_element(By.ID, "answer")
    answer.send_keys("5")
    driver.find_element(By.ID, "answer-button").click()
    wait_for(driver, 30, "the answer to be recorded", lambda d: "Recorded" in text(d, "result"))

    driver.find_element(By.ID, "check").click()
    wait_for(driver, 60, "the check to pass", lambda d: "Passed." in text(d, "result"))
    result = text(driver, "result")
    assert "✓ PASS" in result, result
    assert "Next, step 2/" in result, result
    wait_for(driver, 30, "step 2 to be current", lambda d: text(d, "step-title").startswith("Step 2/"))
    say("check result:", json.dumps(result))

    driver.save_screenshot(screenshot)
    say("screenshot:", screenshot)

    # The monitor tab: a human monitor command over QMP, as `qlearn monitor`.
    driver.find_element(By.ID, "tab-monitor").click()
    monitor = driver.find_element(By.ID, "monitor-input")
    monitor.send_keys("info status\n")
    wait_for(driver, 30, "the monitor's answer", lambda d: "VM status: running" in text(d, "monitor-output"))
    say("monitor:", json.dumps(text(driver, "monitor-output")))

    driver.find_element(By.ID, "stop").click()
    wait_for(driver, 60, "the VM to stop", lambda d: "not running" in text(d, "vm-status"))
    print("PASSED", flush=True)


if __name__ == "__main__":
    main()
