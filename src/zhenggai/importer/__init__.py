"""Turn rectification plans and progress reports into structured data (a pure library: no Django).

readers (text/HTML/.docx/.xlsx → lines) → segmentation → field extraction → ``ParsedDocument`` → JSON.
"""
