; Inno Setup 6.3+ script: installs Chamber's client bundle (PyInstaller, installers/chamber.spec) on
; Windows with Start-menu shortcuts. Built by .github/workflows/windows-installer.yml:
;   iscc /DAppVersion=0.1.0 installers\windows\chamber.iss
; from the repository root after `pyinstaller installers/chamber.spec --distpath build/dist`.
; The result is build\installer\ChamberSetup-<version>.exe.
; NOT built or tested on the machine where it was written (Linux); see README.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define Bundle "..\..\build\dist\chamber"

[Setup]
; Never change AppId: upgrades find the installed copy by it.
AppId={{6C1B2F7E-3D0A-4F6B-9E51-2B8C0C7A9D14}
AppName=Chamber
AppVersion={#AppVersion}
AppVerName=Chamber {#AppVersion}
AppPublisher=Chamber
DefaultDirName={autopf}\Chamber
DefaultGroupName=Chamber
DisableProgramGroupPage=yes
; Per machine by default (every user of a chamber PC); an IT office can still choose per user.
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\build\installer
OutputBaseFilename=ChamberSetup-{#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\chamberw.exe
; An upgrade over a running client would leave old DLLs in use.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"
Name: "kioskautostart"; Description: "Start the locked check-in kiosk (full screen, closed only by an administrator) when a user logs on: kiosk PCs only"; GroupDescription: "Kiosk:"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole bundle: files of an older version must not be picked up by the new one.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Chamber"; Filename: "{app}\chamberw.exe"; Parameters: "client"; Comment: "Chamber: meetings, agendas and documents"
Name: "{group}\Chamber kiosk"; Filename: "{app}\chamberw.exe"; Parameters: "kiosk"; Comment: "The check-in kiosk at the chamber door (full screen)"
Name: "{group}\Chamber demo"; Filename: "{app}\chamberw.exe"; Parameters: "demo"; Comment: "Try Chamber with a demo council on this PC"
Name: "{group}\{cm:UninstallProgram,Chamber}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\Chamber"; Filename: "{app}\chamberw.exe"; Parameters: "client"; Tasks: desktopicon
Name: "{autostartup}\Chamber kiosk"; Filename: "{app}\chamberw.exe"; Parameters: "kiosk --fullscreen"; Tasks: kioskautostart

[Run]
Filename: "{app}\chamberw.exe"; Parameters: "client"; Description: "{cm:LaunchProgram,Chamber}"; Flags: nowait postinstall skipifsilent

; User data (paired servers, offline cache) lives in %LOCALAPPDATA%\Chamber and is kept on uninstall,
; so reinstalling or upgrading keeps every pairing and the last user.
